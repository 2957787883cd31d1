import Foundation

extension TaskOutcome {
    /// A scored task as the bundle keeps it. Each sample row gains `request_hashes`: the sha256 of
    /// every request's canonical arguments, the key under which its response can be found again.
    public init(model: String, definition: TaskDefinition, score: TaskScore) {
        let metrics = score.metrics.mapValues { $0.doubleValue ?? .nan }
        let primaryFilter = definition.filterNames.first ?? "none"
        let primaryMetric = "\(definition.metricNames.first ?? "acc"),\(primaryFilter)"
        self.init(
            model: model, task: score.task, version: score.version, nShot: score.nShot,
            originalCount: score.originalCount, effectiveCount: score.effectiveCount,
            metrics: metrics,
            higherIsBetter: Dictionary(uniqueKeysWithValues: definition.metricNames.map { ($0, true) }),
            primaryMetric: primaryMetric,
            config: .object([
                "task": .string(definition.name),
                "dataset_path": .string(definition.dataset.path),
                "dataset_name": definition.dataset.config.map { .string($0) } ?? .null,
                "test_split": .string(definition.dataset.evalSplit),
                "fewshot_split": definition.dataset.fewshotSplit.map { .string($0) } ?? .null,
                "num_fewshot": .int(score.nShot),
                "output_type": .string("\(definition.outputType)"),
                "target_delimiter": .string(definition.targetDelimiter),
                "fewshot_delimiter": .string(definition.fewshotDelimiter),
                "description": .string(definition.description),
                "metadata": .object(["version": .string(definition.version)]),
            ]),
            samples: score.samples.map { sample in
                guard case var .object(fields) = sample.json else { return sample.json }
                fields["request_hashes"] = .array(sample.requests.map { .string(SHA256.hex($0.argumentsJSON.serialized(indent: nil))) })
                return .object(fields)
            })
    }
}
