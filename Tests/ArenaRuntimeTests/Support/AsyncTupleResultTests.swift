import Foundation
import Testing

/// Swift 6.3's optimizer miscompiles a tuple result of an async closure when one element is known
/// before a suspension point and another only after it (swiftlang/swift#91911): in release builds
/// the first element comes back zeroed. `(request, try await resolve(request))` inside a task
/// group's child crashed `lock` for every image tag. The rule the sources follow: await into a
/// local first, then build the tuple (or return a struct). Debug builds never show the bug, so
/// this test reads the sources, and `scripts/release-smoke.sh` runs the release binary.
@Suite struct AsyncTupleResultTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    @Test func noTupleExpressionInTheSourcesContainsAnAwait() throws {
        var found: [String] = []
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        #expect(files.count > 100)
        for file in files.sorted(by: { $0.path < $1.path }) {
            let text = try String(contentsOf: file, encoding: .utf8)
            for hit in TupleAwaitScanner.tuplesContainingAwait(in: text) {
                found.append("\(file.path.dropFirst(Self.sources.path.count + 1)):\(hit.line): (\(hit.text))")
            }
        }
        #expect(found.isEmpty, "await into a local before building a tuple:\n\(found.joined(separator: "\n"))")
    }

    @Test func theScannerFindsTheShapeThatCrashedAndNothingElse() {
        let crashed = """
            group.addTask {
                do {
                    switch request {
                    case let .image(image): return (request, .success(.image(try await registry.resolve(image))))
                    }
                } catch { return (request, .failure(error)) }
            }
            """
        #expect(TupleAwaitScanner.tuplesContainingAwait(in: crashed).map(\.line) == [4])
        let multiLine = "let pair = (\n    name,\n    await fetch(name)\n)\n"
        #expect(TupleAwaitScanner.tuplesContainingAwait(in: multiLine).map(\.line) == [1])
        let fine = """
            let resolved = try await registry.resolve(image)   // (a, await b) in a comment
            return (request, .success(.image(resolved)))
            let text = "(x, await y)"
            try await client.send(url, headers: await headers())
            results.append(PinOutcome(request: request, result: await pin(request)))
            """
        #expect(TupleAwaitScanner.tuplesContainingAwait(in: fine).isEmpty)
    }
}

/// Finds parenthesised expressions with a top-level comma (tuples, not call arguments) that contain
/// `await`, in Swift source with comments and string literals left out.
enum TupleAwaitScanner {
    struct Hit: Equatable {
        var line: Int
        var text: String
    }

    static let keywordsBeforeATuple: Set<String> = ["return", "in", "try", "await", "throw", "case", "yield", "else"]

    static func tuplesContainingAwait(in source: String) -> [Hit] {
        let code = Array(withoutCommentsAndStrings(source))
        var hits: [Hit] = []
        var open: [Int] = []
        for (i, c) in code.enumerated() {
            if c == "(" { open.append(i); continue }
            guard c == ")", let start = open.popLast() else { continue }
            let inner = code[(start + 1)..<i]
            guard hasTopLevelComma(inner), String(inner).range(of: #"\bawait\b"#, options: .regularExpression) != nil,
                  !isCallOrSubscript(code, openingAt: start) else { continue }
            let line = code[..<start].filter { $0 == "\n" }.count + 1
            hits.append(Hit(line: line, text: String(inner).split(whereSeparator: \.isWhitespace).joined(separator: " ")))
        }
        return hits.sorted { $0.line < $1.line }
    }

    private static func hasTopLevelComma(_ inner: ArraySlice<Character>) -> Bool {
        var depth = 0
        for c in inner {
            if "([{".contains(c) { depth += 1 } else if ")]}".contains(c) { depth -= 1 } else if c == ",", depth == 0 { return true }
        }
        return false
    }

    /// `f(a, b)`, `x[...]`, `T<U>(...)`, `f?(...)`: the parenthesis follows a name or a closing bracket.
    private static func isCallOrSubscript(_ code: [Character], openingAt start: Int) -> Bool {
        var j = start - 1
        while j >= 0, code[j] == " " || code[j] == "\t" { j -= 1 }
        guard j >= 0 else { return false }
        let c = code[j]
        if ")]>?!".contains(c) { return true }
        guard c.isLetter || c.isNumber || c == "_" else { return false }
        var k = j
        while k >= 0, code[k].isLetter || code[k].isNumber || code[k] == "_" { k -= 1 }
        return !keywordsBeforeATuple.contains(String(code[(k + 1)...j]))
    }

    /// The source with `//` and `/* */` comments and string literals replaced by spaces (line breaks kept).
    static func withoutCommentsAndStrings(_ source: String) -> String {
        let s = Array(source)
        var out: [Character] = []
        out.reserveCapacity(s.count)
        var i = 0
        func blank(_ c: Character) -> Character { c == "\n" ? "\n" : " " }
        while i < s.count {
            if s[i] == "/", i + 1 < s.count, s[i + 1] == "/" {
                while i < s.count, s[i] != "\n" { out.append(" "); i += 1 }
            } else if s[i] == "/", i + 1 < s.count, s[i + 1] == "*" {
                while i < s.count, !(s[i] == "*" && i + 1 < s.count && s[i + 1] == "/") { out.append(blank(s[i])); i += 1 }
                out.append(contentsOf: "  ")
                i += 2
            } else if s[i] == "\"" {
                let triple = i + 2 < s.count && s[i + 1] == "\"" && s[i + 2] == "\""
                let quoteLength = triple ? 3 : 1
                out.append(contentsOf: String(repeating: " ", count: quoteLength))
                i += quoteLength
                while i < s.count {
                    if s[i] == "\\" { out.append(" "); out.append(blank(s[min(i + 1, s.count - 1)])); i += 2; continue }
                    if triple, i + 2 < s.count, s[i] == "\"", s[i + 1] == "\"", s[i + 2] == "\"" { out.append(contentsOf: "   "); i += 3; break }
                    if !triple, s[i] == "\"" || s[i] == "\n" { out.append(blank(s[i])); i += 1; break }
                    out.append(blank(s[i]))
                    i += 1
                }
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }
}
