/// Where a task's documents come from on the Hugging Face Hub, and which splits it reads.
public struct TaskDataset: Sendable, Hashable {
    /// Hub dataset id, e.g. `allenai/ai2_arc`.
    public var path: String
    /// Hub dataset configuration (lm-eval's `dataset_name`), nil when the dataset has one.
    public var config: String?
    /// The split whose documents are scored (`test_split`, else `validation_split`).
    public var evalSplit: String
    /// The split few-shot examples are drawn from, nil when the task cannot take few-shot examples.
    public var fewshotSplit: String?

    /// Every split the task reads, eval split first.
    public var splits: [String] {
        var all = [evalSplit]
        if let fewshotSplit, fewshotSplit != evalSplit { all.append(fewshotSplit) }
        return all
    }
}

public enum TaskOutputType: String, Sendable, Hashable {
    case multipleChoice = "multiple_choice"
    case generateUntil = "generate_until"
}

/// How few-shot examples are picked (lm-eval's `fewshot_config.sampler`).
public enum FewShotSamplerKind: String, Sendable, Hashable {
    /// `random.Random(seed).sample` per document, in eval order.
    case random = "default"
    /// The first n examples of the few-shot split, in dataset order.
    case firstN = "first_n"
}

/// What `doc_to_target` yields: an index into the choices, or text.
public enum TaskTarget: Sendable, Hashable {
    case index(Int)
    case text(String)
}

/// Generation settings of a generate_until task, as lm-eval's task config holds them.
public struct GenerationSettings: Sendable, Equatable {
    public var until: [String]
    /// nil: the model's default (`max_gen_toks` model argument, 256).
    public var maxGenToks: Int?
    /// `do_sample` and `temperature` when the config sets them (logged, not sent).
    public var doSample: Bool?
    public var temperature: Double?
    /// Sampling cut-offs an experiment's `generation:` may add; sent only when set.
    public var topK: Int?
    public var topP: Double?

    public init(until: [String], maxGenToks: Int? = nil, doSample: Bool? = nil, temperature: Double? = nil,
                topK: Int? = nil, topP: Double? = nil) {
        self.until = until
        self.maxGenToks = maxGenToks
        self.doSample = doSample
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }

    /// The settings an experiment's `generation:` may override, in documentation order: the one
    /// list the checker, `applying(_:)` and lm-eval's `--gen_kwargs` read.
    public static let overrides: [GenerationOverride] = [
        GenerationOverride("max_gen_toks", whole: true, requirement: "whole ≥ 1", isValid: { $0 >= 1 }) { $0.maxGenToks = Int($1) },
        GenerationOverride("temperature", whole: false, requirement: "≥ 0", isValid: { $0 >= 0 }) { $0.temperature = $1 },
        GenerationOverride("top_k", whole: true, requirement: "whole ≥ 1", isValid: { $0 >= 1 }) { $0.topK = Int($1) },
        GenerationOverride("top_p", whole: false, requirement: "in (0, 1]", isValid: { $0 > 0 && $0 <= 1 }) { $0.topP = $1 },
    ]

    public static func override(named name: String) -> GenerationOverride? { overrides.first { $0.name == name } }

    /// These settings with an experiment's `generation:` overrides, as lm-eval's `--gen_kwargs`
    /// updates a task's `generation_kwargs`.
    public func applying(_ values: [String: Double]) -> GenerationSettings {
        var settings = self
        for override in Self.overrides { if let value = values[override.name] { override.apply(&settings, value) } }
        return settings
    }

    /// The generation kwargs as lm-eval logs them (the second element of `arguments`).
    public var kwargsJSON: JSONValue {
        var fields: [String: JSONValue] = ["until": .array(until.map { .string($0) })]
        if let maxGenToks { fields["max_gen_toks"] = .int(maxGenToks) }
        if let doSample { fields["do_sample"] = .bool(doSample) }
        if let temperature { fields["temperature"] = .double(temperature) }
        if let topK { fields["top_k"] = .int(topK) }
        if let topP { fields["top_p"] = .double(topP) }
        return .object(fields)
    }
}

/// One setting of `generation:`: its name, what values it takes and how it changes the settings.
public struct GenerationOverride: Sendable {
    public let name: String
    /// Whole numbers only (written to lm-eval as integers).
    public let whole: Bool
    /// The values it takes, as the docs and messages say it.
    public let requirement: String
    let isValid: @Sendable (Double) -> Bool
    let apply: @Sendable (inout GenerationSettings, Double) -> Void

    init(_ name: String, whole: Bool, requirement: String, isValid: @escaping @Sendable (Double) -> Bool,
         apply: @escaping @Sendable (inout GenerationSettings, Double) -> Void) {
        self.name = name
        self.whole = whole
        self.requirement = requirement
        self.isValid = isValid
        self.apply = apply
    }

    /// Whether `value` is one this setting takes.
    public func accepts(_ value: Double) -> Bool {
        value.isFinite && (!whole || value.rounded() == value) && isValid(value)
    }
}

/// How a task turns per-document model outputs into metrics.
public enum TaskScoringRule: String, Sendable, Hashable {
    /// acc and acc_norm (character-length normalised) from choice log-likelihoods.
    case multipleChoiceAccNorm = "acc+acc_norm"
    /// acc only.
    case multipleChoiceAcc = "acc"
    /// truthfulqa_mc2: probability mass on the true answers.
    case truthfulQAMC2 = "truthfulqa_mc2"
    /// gsm8k: exact_match under the strict-match and flexible-extract filters.
    case gsm8kExactMatch = "gsm8k_exact_match"
    /// DROP em/f1.
    case dropEmF1 = "drop_em_f1"
    /// truthfulqa_gen BLEU/ROUGE against true and false references.
    case truthfulQAGen = "truthfulqa_gen"
}

/// A task as lm-eval 0.4.13 defines it: the data it reads, how a document becomes a prompt,
/// choices and a target, and how outputs are scored. Documents are `[JSONValue]` rows, each an
/// `.object` of the Hub dataset's columns.
public struct TaskDefinition: Sendable {
    public var name: String
    /// lm-eval's `metadata.version`, as it prints it (e.g. "1.0").
    public var version: String
    public var dataset: TaskDataset
    public var outputType: TaskOutputType
    public var description: String
    public var targetDelimiter: String
    public var fewshotDelimiter: String
    /// The n-shot used when none is asked for.
    public var defaultFewshot: Int
    /// True when the task config sets `num_fewshot: 0`: lm-eval then ignores any requested n-shot.
    public var fewshotFixedAtZero: Bool = false
    public var sampler: FewShotSamplerKind
    /// lm-eval passes the eval document to the sampler (draw n+1, drop the doc, keep n) when the
    /// configured few-shot split equals the configured test split; this is that comparison's result.
    public var fewshotExcludesEvalDoc: Bool
    public var generation: GenerationSettings?
    public var scoring: TaskScoringRule
    /// Metric names in lm-eval's order, and the filters they are reported under.
    public var metricNames: [String]
    public var filterNames: [String]
    /// The YAML/utils.py text of the templates (doc_to_text, doc_to_target, doc_to_choice,
    /// process_docs) this definition reproduces; part of the content hash.
    public var templates: [String: String]

    /// `process_docs`: maps one Hub row to the row the templates read (new columns added).
    public var processDoc: @Sendable (JSONValue) throws -> JSONValue
    public var docToText: @Sendable (JSONValue) throws -> String
    public var docToTarget: @Sendable (JSONValue) throws -> TaskTarget
    public var docToChoice: (@Sendable (JSONValue) throws -> [String])?

    /// The n-shot lm-eval uses when `requested` is asked for (nil: none asked).
    public func effectiveFewshot(requested: Int?) -> Int {
        if fewshotFixedAtZero { return 0 }
        return requested ?? defaultFewshot
    }

    /// `build_qa_turn`'s answer text for a few-shot example.
    public func fewshotAnswer(_ doc: JSONValue) throws -> String {
        switch try docToTarget(doc) {
        case let .text(text):
            return text
        case let .index(i):
            guard let docToChoice else { return String(i) }
            let choices = try docToChoice(doc)
            guard choices.indices.contains(i) else {
                throw TaskDocumentError(task: name, field: "target", reason: "index \(i) is outside the \(choices.count) choices")
            }
            return choices[i]
        }
    }
}

/// A document that does not have what a task's templates read.
public struct TaskDocumentError: Error, CustomStringConvertible, Equatable {
    public let task: String
    public let field: String
    public let reason: String
    /// The split and the 0-based row of that split the document is, when known.
    public var split: String?
    public var row: Int?

    public init(task: String, field: String, reason: String, split: String? = nil, row: Int? = nil) {
        self.task = task
        self.field = field
        self.reason = reason
        self.split = split
        self.row = row
    }

    public var description: String {
        let place = row.map { "\(split.map { "\($0) " } ?? "")row \($0 + 1): " } ?? ""
        return "task \(task): \(place)document field '\(field)': \(reason)"
    }

    /// Runs `body` on row `row` of `split`; a document error from it says which row it was.
    static func locating<T>(split: String, row: Int, _ body: () throws -> T) throws -> T {
        do { return try body() } catch var error as TaskDocumentError where error.row == nil {
            error.split = split
            error.row = row
            throw error
        }
    }
}
