import ArenaRuntime
import ArenaScript
import Foundation
import Testing

/// Truncated and mutated versions of the shipped experiments: the front end must never crash,
/// must keep every diagnostic inside the text, and must report a diagnostic whenever the
/// damage is certain to be an error.
@Suite struct FuzzTests {
    static let experiments = ["finetune_vs_base.arena", "gsm8k_ci.arena"]

    /// SplitMix64: a fixed, seeded sequence so a failure reproduces.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Per scalar offset: bracket depth before it, and whether it lies in a string or comment.
    struct Shape {
        var depth: [Int] = []
        var quoted: [Bool] = []
    }

    static func shape(of scalars: [Unicode.Scalar]) -> Shape {
        var shape = Shape()
        var depth = 0, inString = false, inComment = false, escaped = false
        for (i, c) in scalars.enumerated() {
            shape.depth.append(depth)
            shape.quoted.append(inString || inComment)
            if inComment { if c == "\n" { inComment = false }; continue }
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"": inString = true
            case "#": inComment = true
            case "/" where i + 1 < scalars.count && scalars[i + 1] == "/": inComment = true
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            default: break
            }
        }
        return shape
    }

    func check(_ text: String) -> PlanCheck {
        let result = PlanLoader.check(source: text, path: "fuzz.arena")
        let source = SourceText(text)
        for d in result.diagnostics {
            #expect(d.line >= 1 && d.line <= source.lineStarts.count, "\(d) outside \(text.debugDescription)")
            #expect(d.column >= 1 && d.column <= source.line(d.line).unicodeScalars.count + 1, "\(d) outside its line")
        }
        _ = result.rendered(colour: true)
        return result
    }

    @Test(arguments: experiments)
    func everyTruncationIsHandled(name: String) throws {
        let text = try String(contentsOfFile: Experiments.path(name), encoding: .utf8)
        let scalars = Array(text.unicodeScalars)
        let shape = Self.shape(of: scalars)
        var certainErrors = 0
        for cut in 0..<scalars.count {
            let prefix = String(String.UnicodeScalarView(scalars[..<cut]))
            let result = check(prefix)
            let insideString = shape.quoted[cut] && !(cut > 0 && scalars[cut - 1] == "\"" && !shape.quoted[cut - 1])
            if shape.depth[cut] > 0 && !shape.quoted[cut] || insideString && scalars[cut] != "\n" && isInString(scalars, cut) {
                certainErrors += 1
                #expect(result.hasErrors, "no error for a cut at \(cut): …\(String(prefix.suffix(30)).debugDescription)")
            }
            if !result.hasErrors { #expect(result.plan != nil) }
        }
        #expect(certainErrors > scalars.count / 10)
    }

    /// Whether offset `i` is inside a string literal (not a comment).
    func isInString(_ scalars: [Unicode.Scalar], _ i: Int) -> Bool {
        var lineStart = i
        while lineStart > 0 && scalars[lineStart - 1] != "\n" { lineStart -= 1 }
        var inString = false, escaped = false
        for j in lineStart..<i {
            let c = scalars[j]
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == "#" || c == "/" && j + 1 < scalars.count && scalars[j + 1] == "/" {
                return false
            }
        }
        return inString
    }

    @Test(arguments: experiments)
    func aStrayCharacterIsReportedWhereItWasInserted(name: String) throws {
        let text = try String(contentsOfFile: Experiments.path(name), encoding: .utf8)
        let scalars = Array(text.unicodeScalars)
        let shape = Self.shape(of: scalars)
        var rng = SeededGenerator(state: 0xA7E7A)
        let strays: [Unicode.Scalar] = ["@", "$", "`", "?", "%", "^", "~", "|", "&", "\\"]
        let positions = scalars.indices.filter { !shape.quoted[$0] }
        for _ in 0..<300 {
            guard let at = positions.randomElement(using: &rng), let stray = strays.randomElement(using: &rng) else { continue }
            var mutated = scalars
            mutated.insert(stray, at: at)
            let result = check(String(String.UnicodeScalarView(mutated)))
            let line = scalars[..<at].filter { $0 == "\n" }.count + 1
            var column = 1
            var k = at
            while k > 0 && scalars[k - 1] != "\n" { k -= 1; column += 1 }
            // Splitting a word can add a syntax error before it, so look for it among all of them.
            let reported = result.diagnostics.first { $0.message == "unexpected character '\(stray)'" }
            #expect(reported?.line == line && reported?.column == column, "\(result.diagnostics) for '\(stray)' at \(line):\(column)")
        }
    }

    @Test(arguments: experiments)
    func randomDamageNeverCrashes(name: String) throws {
        let text = try String(contentsOfFile: Experiments.path(name), encoding: .utf8)
        let scalars = Array(text.unicodeScalars)
        var rng = SeededGenerator(state: 42)
        let alphabet = Array("()[]{},.:=+-*/<>\"\\ \n0123456789abcxyz_".unicodeScalars)
        var withErrors = 0
        for _ in 0..<400 {
            var mutated = scalars
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<max(1, mutated.count), using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0 where !mutated.isEmpty:
                    mutated.removeSubrange(i..<min(mutated.count, i + Int.random(in: 1...8, using: &rng)))
                case 1:
                    mutated.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)], at: min(i, mutated.count))
                default:
                    let j = Int.random(in: 0..<max(1, mutated.count), using: &rng)
                    if i < mutated.count && j < mutated.count { mutated.swapAt(i, j) }
                }
            }
            if check(String(String.UnicodeScalarView(mutated))).hasErrors { withErrors += 1 }
        }
        // Most random damage breaks the file; all of it must be survived.
        #expect(withErrors > 200)
    }
}
