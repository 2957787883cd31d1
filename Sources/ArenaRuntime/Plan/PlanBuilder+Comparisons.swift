import ArenaScript

/// `compare(a, b)` and `expect ... with confidence` pair two models' runs of a task document by
/// document, which means something only when both ran it the same way (`TaskRunSettings`).
extension PlanBuilder {
    mutating func checkPairedSettings() {
        for (index, comparison) in plan.comparisons.enumerated() {
            let range = comparisonRanges.indices.contains(index) ? comparisonRanges[index] : rangeOfCell(comparison.cell)
            let differences = sharedTasks(comparison.baseline, comparison.candidate).flatMap { task in
                settingsDifferences(comparison.baseline, comparison.candidate, task: task).map { "\(task): \($0)" }
            }
            guard !differences.isEmpty else { continue }
            let call = "compare(\(comparison.baseline), \(comparison.candidate))"
            if comparison.allowDifferentSettings {
                diagnostics.append(.warning("\(call) pairs runs whose settings differ (allowed by allow_different_settings): "
                                            + differences.joined(separator: "; "), at: range))
            } else {
                diagnostics.append(.error("\(call) pairs runs whose settings differ: " + differences.joined(separator: "; "), at: range,
                                          hint: "give both the same settings, or pass allow_different_settings: true to compare them anyway"))
            }
        }
        for expectation in interpretation.expectations {
            guard let claim = expectation.claim else { continue }
            if claim.left.metric.hasSuffix("_stderr") {
                diagnostics.append(.error("'with confidence' pairs per-document values, which a standard error (\(claim.left.metric)) does not have",
                                          at: expectation.range, hint: "compare the metric itself"))
                continue
            }
            let differences = settingsDifferences(claim.right.model, claim.left.model, task: claim.left.task)
            if !differences.isEmpty {
                diagnostics.append(.error("'with confidence' pairs \(claim.right.model) and \(claim.left.model) on \(claim.left.task), whose settings differ: "
                                          + differences.joined(separator: "; "), at: expectation.range,
                                          hint: "give both the same settings, or compare point values without 'with confidence'"))
            }
        }
    }

    /// Tasks both models are planned on, in the baseline's plan order.
    private func sharedTasks(_ a: String, _ b: String) -> [String] {
        let tasksOf = { (model: String) in plan.runs.filter { $0.model == model }.flatMap(\.tasks).map(\.name) }
        let other = Set(tasksOf(b))
        return tasksOf(a).filter(other.contains)
    }

    private func settingsDifferences(_ a: String, _ b: String, task: String) -> [String] {
        guard let x = TaskRunSettings.planned(plan, model: a, task: task), let y = TaskRunSettings.planned(plan, model: b, task: task) else { return [] }
        return x.differences(from: y)
    }
}
