extension TaskScorer {
    /// Reads, from every row, every field the task reads, the way scoring reads it, and makes
    /// the few-shot draws: every few-shot row through `process_docs`, `doc_to_text` and its answer,
    /// then `prepare` over every eval row (prompt, requests, and what it is scored against). What
    /// `check` runs on local data files, so that a row it accepts is one `run` can score; an
    /// error names the split and row (`TaskDocumentError.split`, `.row`).
    public static func checkDocuments(task: TaskDefinition, documents: TaskDocuments, options: ScoringOptions) throws {
        if task.effectiveFewshot(requested: options.numFewshot) > 0, let split = task.dataset.fewshotSplit {
            for (row, doc) in documents.fewshot.enumerated() {
                try TaskDocumentError.locating(split: split, row: row) {
                    let processed = try task.processDoc(doc)
                    _ = try task.docToText(processed)
                    _ = try task.fewshotAnswer(processed)
                }
            }
        }
        var everyRow = options
        everyRow.limit = nil
        _ = try prepare(task: task, documents: documents, options: everyRow)
    }
}
