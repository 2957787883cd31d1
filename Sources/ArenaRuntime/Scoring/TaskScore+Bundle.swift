extension TaskScore {
    /// The bundle's view of this score for one model. Aggregates that are numbers become
    /// `metrics`; "N/A" stderrs are left out. Every metric of these tasks has higher-is-better
    /// true, as in lm-eval's YAMLs. The primary metric is the task's first metric under its
    /// first filter, e.g. `acc,none` or `exact_match,strict-match`.
    public func outcome(model: String, task definition: TaskDefinition) -> TaskOutcome {
        var numbers: [String: Double] = [:]
        for (key, value) in metrics {
            if let number = value.doubleValue { numbers[key] = number }
        }
        var config = TaskCatalog.canonicalDescription(definition)
        if case var .object(fields) = config {
            fields["num_fewshot"] = .int(nShot)
            config = .object(fields)
        }
        let primary = "\(definition.metricNames.first ?? "acc"),\(definition.filterNames.first ?? "none")"
        return TaskOutcome(
            model: model, task: task, version: version, nShot: nShot,
            originalCount: originalCount, effectiveCount: effectiveCount, metrics: numbers,
            higherIsBetter: Dictionary(uniqueKeysWithValues: definition.metricNames.map { ($0, true) }),
            primaryMetric: primary, config: config, samples: samples.map(\.json)
        )
    }
}
