import Foundation

/// An in-process engine whose long calls report progress: requests go to `inner` in consecutive
/// slices (about 2 % of a call each, at least `minimumSlice`), and `progress` hears after each.
/// Results are those of one call, since the native engine scores every sequence on its own.
struct ProgressReportingEngine: LanguageModelEngine {
    let inner: any LanguageModelEngine
    let progress: ProgressReporter
    var minimumSlice = 16

    var identity: EngineIdentity { inner.identity }
    var contextWindow: ContextWindow { inner.contextWindow }

    func tokenize(_ text: String) async throws -> [Int] { try await inner.tokenize(text) }
    func detokenize(_ tokens: [Int]) async throws -> String { try await inner.detokenize(tokens) }

    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        try await sliced(requests) { try await inner.loglikelihood($0) }
    }

    func generate(_ requests: [GenerationRequest]) async throws -> [GenerationResult] {
        try await sliced(requests) { try await inner.generate($0) }
    }

    private func sliced<Request: Sendable, Result: Sendable>(_ requests: [Request],
                                                             _ answer: ([Request]) async throws -> [Result]) async throws -> [Result] {
        guard !requests.isEmpty else { return [] }
        progress.begin(total: requests.count)
        let size = max(minimumSlice, (requests.count + 49) / 50)
        var results: [Result] = []
        results.reserveCapacity(requests.count)
        var start = 0
        while start < requests.count {
            let end = min(requests.count, start + size)
            results += try await answer(Array(requests[start..<end]))
            start = end
            progress.update(done: start)
        }
        return results
    }
}
