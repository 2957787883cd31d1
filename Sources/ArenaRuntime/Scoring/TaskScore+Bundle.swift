extension TaskScore {
    /// The bundle's view of this score for one model. Aggregates that are numbers become
    /// `metrics`; "N/A" stderrs are left out. Every metric of these tasks has higher-is-better
    /// true, as in lm-eval's YAMLs. The primary metric is the task's first metric under its
    /// first filter, e.g. `acc,none` or `exact_match,strict-match`.
    public func outcome(model: String, task definition: TaskDefinition) -> TaskOutcome {
        // "N/A" aggregates (a stderr over fewer than two samples) stay as NaN, which results.json
        // writes back as "N/A" the way lm-eval does.
        let numbers = metrics.mapValues { $0.doubleValue ?? .nan }
        let config = Self.config(definition, nShot: nShot)
        let primary = Self.primaryMetric(definition)
        let rows = samples.map(\.bundleRow)
        let truncation = contextWindow.map { window in
            TaskTruncation(documents: TaskTruncation.truncatedDocuments(in: rows) ?? 0, window: window)
        }
        return TaskOutcome(
            model: model, task: task, version: version, nShot: nShot,
            originalCount: originalCount, effectiveCount: effectiveCount, metrics: numbers,
            higherIsBetter: Dictionary(uniqueKeysWithValues: definition.metricNames.map { ($0, true) }),
            primaryMetric: primary, config: config, samples: rows, truncation: truncation
        )
    }

    /// results.json's `configs.<task>` before the data fields are filled in: the task's canonical
    /// description with `num_fewshot`.
    static func config(_ definition: TaskDefinition, nShot: Int) -> JSONValue {
        var config = TaskCatalog.canonicalDescription(definition)
        if case var .object(fields) = config {
            fields["num_fewshot"] = .int(nShot)
            config = .object(fields)
        }
        return config
    }

    /// The task's first metric under its first filter, e.g. `acc,none` or `exact_match,strict-match`.
    static func primaryMetric(_ definition: TaskDefinition) -> String {
        "\(definition.metricNames.first ?? "acc"),\(definition.filterNames.first ?? "none")"
    }
}

extension SampleRecord {
    /// The row samples/<model>/<task>.jsonl records: lm-eval's fields plus `request_hashes`, the
    /// sha256 of each request's canonical arguments.
    var bundleRow: JSONValue {
        guard case var .object(fields) = json else { return json }
        fields["request_hashes"] = .array(requests.map { .string(SHA256.hex($0.argumentsJSON.serialized(indent: nil))) })
        return .object(fields)
    }
}
