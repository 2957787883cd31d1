import Foundation
import Testing
@testable import ArenaRuntime

/// `ContextWindow` against lm-eval 0.4.13's own code (Tests/Fixtures/engines/lm_eval_truncation.py):
/// local-completions' loglikelihood inputs come from lm-eval's `batch_loglikelihood_requests`; the
/// generation and HFLM rules are stated as numbers here, and the peer checks that the installed
/// lm-eval's source holds the expressions they come from.
@Suite struct ContextWindowTests {
    struct LMEvalTruncation {
        var cases: [(tokens: [Int], ctxlen: Int)]
        var sources: [String: Bool]
    }

    static func lmEval(_ cases: [(maxLength: Int, context: [Int], continuation: [Int])]) throws -> LMEvalTruncation {
        let input = JSONValue.array(cases.map { c -> JSONValue in
            JSONValue.object(["max_length": .int(c.maxLength), "context": .array(c.context.map { .int($0) }),
                              "continuation": .array(c.continuation.map { .int($0) })])
        })
        let script = ScoringPaths.fixtures.appendingPathComponent("engines/lm_eval_truncation.py").path
        let output = try TestPython.run([script], input: input.serializedData())
        guard output.status == 0 else { throw TestPython.Failed(command: script, status: output.status, stderr: String(decoding: output.stderr, as: UTF8.self)) }
        let json = try JSONValue.parse(output.stdout)
        var rows: [(tokens: [Int], ctxlen: Int)] = []
        for row in json["cases"]?.arrayValue ?? [] {
            let tokens = try #require(row["tokens"]?.arrayValue).compactMap(\.intValue)
            let ctxlen = try #require(row["ctxlen"]?.intValue)
            rows.append((tokens, ctxlen))
        }
        return LMEvalTruncation(cases: rows, sources: (json["sources"]?.objectValue ?? [:]).compactMapValues(\.boolValue))
    }

    @Test func localCompletionsLoglikelihoodIsLMEvalsOwn() throws {
        var cases: [(maxLength: Int, context: [Int], continuation: [Int])] = []
        for maxLength in [4, 9, 16] {
            for contextLength in 1 ... 20 {
                for continuationLength in 1 ... 10 {
                    cases.append((maxLength, Array(100 ..< 100 + contextLength), Array(500 ..< 500 + continuationLength)))
                }
            }
        }
        let theirs = try Self.lmEval(cases)
        try #require(theirs.cases.count == cases.count)
        var cut = 0
        for (c, lmEval) in zip(cases, theirs.cases) {
            let window = ContextWindow(maxLength: c.maxLength, rule: .localCompletions)
            let label = "max_length \(c.maxLength), context \(c.context.count), continuation \(c.continuation.count)"
            if lmEval.ctxlen <= 0 {
                // lm-eval's parse_logprobs asserts ctxlen > 0; arena-script refuses before sending.
                #expect(throws: ContextWindowError.continuationTooLong(continuation: c.continuation.count, window: window), "\(label)") {
                    try window.loglikelihood(tokens: c.context + c.continuation, contextLength: c.context.count)
                }
                continue
            }
            let fitted = try window.loglikelihood(tokens: c.context + c.continuation, contextLength: c.context.count)
            #expect(fitted.tokens == lmEval.tokens, "\(label)")
            #expect(fitted.contextLength == lmEval.ctxlen, "\(label)")
            #expect(fitted.droppedTokens == c.context.count + c.continuation.count - lmEval.tokens.count, "\(label)")
            if fitted.droppedTokens > 0 { cut += 1 }
        }
        #expect(cut > 100, "the grid must exercise truncation")
    }

    @Test func theInstalledLMEvalHoldsTheRulesStatedHere() throws {
        let sources = try Self.lmEval([]).sources
        #expect(sources.count == 7)
        for (name, present) in sources.sorted(by: { $0.key < $1.key }) {
            #expect(present, "lm-eval's source no longer holds \(name): re-read its truncation and update ContextWindow")
        }
    }

    @Test func generationKeepsMaxLengthLessMaxGenToksOfPrompt() throws {
        let prompt = Array(0 ..< 2072)
        // local-completions: self.max_length = 2048 - 1; the prompt keeps 2047 - 256.
        let api = try ContextWindow(maxLength: 2048, rule: .localCompletions).generation(prompt: prompt, maxTokens: 256)
        #expect(api.tokens == Array(prompt.suffix(1791)))
        #expect(api.droppedTokens == 281)
        // HFLM: 512 positions, max_gen_toks 64: the prompt keeps 448 tokens.
        let hf = try ContextWindow(maxLength: 512, rule: .huggingFace).generation(prompt: prompt, maxTokens: 64)
        #expect(hf.tokens == Array(prompt.suffix(448)))
        #expect(hf.droppedTokens == 2072 - 448)
        let short = try ContextWindow(maxLength: 512, rule: .huggingFace).generation(prompt: [1, 2, 3], maxTokens: 64)
        #expect(short == ContextWindow.Fitted(tokens: [1, 2, 3], contextLength: 3, droppedTokens: 0))
    }

    @Test(arguments: ContextWindow.Rule.allCases)
    func generationWithoutRoomForAPromptIsRefused(rule: ContextWindow.Rule) throws {
        let window = ContextWindow(maxLength: 256, rule: rule)
        let tooMany = rule == .localCompletions ? 255 : 256
        #expect(throws: ContextWindowError.noRoomForPrompt(maxTokens: tooMany, window: window)) {
            try window.generation(prompt: [1, 2], maxTokens: tooMany)
        }
        #expect(try window.generation(prompt: [1, 2], maxTokens: tooMany - 1).tokens == [2])
        #expect("\(ContextWindowError.noRoomForPrompt(maxTokens: tooMany, window: window))".contains("max_length 256 (lm-eval's \(rule.rawValue) rule)"))
    }

    @Test func hfLoglikelihoodKeepsMaxLengthPlusOneTokens() throws {
        let window = ContextWindow(maxLength: 16, rule: .huggingFace)
        let tokens = Array(0 ..< 40)
        // (context_enc + continuation_enc)[-(16 + 1):], of which the model reads all but the last.
        let fitted = try window.loglikelihood(tokens: tokens, contextLength: 36)
        #expect(fitted.tokens == Array(tokens.suffix(17)))
        #expect(fitted.contextLength == 13)
        #expect(fitted.droppedTokens == 23)
        // len(continuation_enc) <= self.max_length holds up to 16 continuation tokens.
        #expect(try window.loglikelihood(tokens: tokens, contextLength: 24).contextLength == 1)
        #expect(throws: ContextWindowError.continuationTooLong(continuation: 17, window: window)) {
            try window.loglikelihood(tokens: tokens, contextLength: 23)
        }
    }
}
