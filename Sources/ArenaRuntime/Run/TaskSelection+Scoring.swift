extension TaskSelection {
    /// The task definition a run scores for this selection: the catalog's, with the selection's
    /// generation overrides applied. `run` and `verify` both read it from here.
    public func scoredDefinition() throws -> TaskDefinition {
        var definition = try TaskCatalog.task(named: name)
        definition.generation = definition.generation?.applying(generation)
        return definition
    }

    /// The scoring settings of this selection: its few-shot count, its limit (else the
    /// experiment's), and the experiment's seed for few-shot draws and generation requests.
    public func scoringOptions(experimentLimit: Int?, seed: Int) -> ScoringOptions {
        ScoringOptions(numFewshot: fewshot, limit: limit ?? experimentLimit, fewshotSeed: seed, generationSeed: seed)
    }
}
