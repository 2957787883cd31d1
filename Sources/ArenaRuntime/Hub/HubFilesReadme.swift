import Foundation

/// The `configs:` section of a dataset card's YAML front matter, which `datasets` reads to find a
/// config's files per split:
///
/// ```yaml
/// configs:
/// - config_name: main
///   data_files:
///   - split: test
///     path: main/test-*
/// ```
///
/// `data_files` may also be one pattern or a list of patterns (all in split `train`), or a mapping
/// from split to pattern(s). Only this section is read, with a small block-YAML reader (block
/// mappings and sequences, plain or quoted scalars, one-line `[a, b]` lists); a card it cannot read
/// is treated as having no `configs`.
public struct HubFilesReadme: Sendable, Equatable {
    /// Config name -> split -> path patterns.
    public var configs: [String: [String: [String]]]

    public init?(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).replacingOccurrences(of: "\r", with: "") }
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else { return nil }
        var reader = MiniYAMLReader(lines: Array(lines[1..<end]))
        guard let front = reader.document(), case let .map(top) = front,
              let configsNode = top.first(where: { $0.0 == "configs" })?.1, case let .list(items) = configsNode else { return nil }
        var configs: [String: [String: [String]]] = [:]
        for item in items {
            guard case let .map(fields) = item, let name = fields.first(where: { $0.0 == "config_name" })?.1.scalar else { continue }
            guard let dataFiles = fields.first(where: { $0.0 == "data_files" })?.1 else { continue }
            configs[name] = Self.splits(dataFiles)
        }
        guard !configs.isEmpty else { return nil }
        self.configs = configs
    }

    private static func splits(_ node: MiniYAML) -> [String: [String]] {
        switch node {
        case let .scalar(pattern): return ["train": [pattern]]
        case let .list(items):
            var result: [String: [String]] = [:]
            for item in items {
                switch item {
                case let .scalar(pattern): result["train", default: []].append(pattern)
                case let .map(fields):
                    guard let split = fields.first(where: { $0.0 == "split" })?.1.scalar,
                          let path = fields.first(where: { $0.0 == "path" })?.1 else { continue }
                    result[split, default: []].append(contentsOf: path.scalars)
                case .list: continue
                }
            }
            return result
        case let .map(fields):
            var result: [String: [String]] = [:]
            for (split, value) in fields { result[split, default: []].append(contentsOf: value.scalars) }
            return result
        }
    }

    /// The repository files matching the config's patterns for the split, sorted; nil when the card
    /// does not describe that config and split.
    public func files(_ paths: [String], config: String?, split: String) -> [String]? {
        guard let patterns = configs[config ?? "default"]?[split] else { return nil }
        return paths.filter { path in patterns.contains { HubGlob.matches($0, path) } }.sorted()
    }
}

/// fsspec-style glob over repository paths: `*` and `?` stay within a folder, `**` crosses folders,
/// `[...]` is a character class.
enum HubGlob {
    static func matches(_ pattern: String, _ path: String) -> Bool {
        var trimmed = pattern
        while trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        return match(Array(trimmed.unicodeScalars), 0, Array(path.unicodeScalars), 0)
    }

    private static func match(_ p: [Unicode.Scalar], _ pi: Int, _ s: [Unicode.Scalar], _ si: Int) -> Bool {
        var pi = pi, si = si
        while pi < p.count {
            switch p[pi] {
            case "*":
                if pi + 1 < p.count, p[pi + 1] == "*" {
                    var next = pi + 2
                    if next < p.count, p[next] == "/" {
                        // `**/` also matches no folder at all.
                        if match(p, next + 1, s, si) { return true }
                        next += 1
                    }
                    for k in si...s.count where match(p, next, s, k) { return true }
                    return false
                }
                var k = si
                while true {
                    if match(p, pi + 1, s, k) { return true }
                    guard k < s.count, s[k] != "/" else { return false }
                    k += 1
                }
            case "?":
                guard si < s.count, s[si] != "/" else { return false }
                pi += 1; si += 1
            case "[":
                guard si < s.count, let close = p[(pi + 1)...].firstIndex(of: "]") else { return false }
                var set = Array(p[(pi + 1)..<close])
                let negate = set.first == "!" || set.first == "^"
                if negate { set.removeFirst() }
                var hit = false
                var j = 0
                while j < set.count {
                    if j + 2 < set.count, set[j + 1] == "-" {
                        if set[j].value <= s[si].value && s[si].value <= set[j + 2].value { hit = true }
                        j += 3
                    } else {
                        if set[j] == s[si] { hit = true }
                        j += 1
                    }
                }
                guard hit != negate else { return false }
                pi = close + 1; si += 1
            default:
                guard si < s.count, s[si] == p[pi] else { return false }
                pi += 1; si += 1
            }
        }
        return si == s.count
    }
}

indirect enum MiniYAML: Equatable {
    case scalar(String)
    case list([MiniYAML])
    case map([(String, MiniYAML)])

    static func == (a: MiniYAML, b: MiniYAML) -> Bool {
        switch (a, b) {
        case let (.scalar(x), .scalar(y)): return x == y
        case let (.list(x), .list(y)): return x == y
        case let (.map(x), .map(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    var scalar: String? { if case let .scalar(s) = self { return s }; return nil }

    var scalars: [String] {
        switch self {
        case let .scalar(s): return [s]
        case let .list(items): return items.compactMap(\.scalar)
        case .map: return []
        }
    }
}

/// Reads block-style YAML: nested mappings and sequences by indentation.
struct MiniYAMLReader {
    var lines: [(indent: Int, text: String)]
    var index = 0

    init(lines raw: [String]) {
        lines = raw.compactMap { line in
            let content = Self.stripComment(line)
            guard !content.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            let indent = content.prefix(while: { $0 == " " }).count
            return (indent, content.trimmingCharacters(in: .whitespaces))
        }
    }

    mutating func document() -> MiniYAML? {
        guard let first = lines.first else { return nil }
        let node = block(indent: first.indent)
        return index == lines.count ? node : nil
    }

    private mutating func block(indent: Int) -> MiniYAML? {
        guard index < lines.count, lines[index].indent == indent else { return nil }
        if lines[index].text == "-" || lines[index].text.hasPrefix("- ") { return sequence(indent: indent) }
        return mapping(indent: indent)
    }

    private mutating func sequence(indent: Int) -> MiniYAML? {
        var items: [MiniYAML] = []
        while index < lines.count, lines[index].indent == indent, lines[index].text == "-" || lines[index].text.hasPrefix("- ") {
            let rest = String(lines[index].text.dropFirst(1)).trimmingCharacters(in: .whitespaces)
            if rest.isEmpty {
                index += 1
                guard index < lines.count, lines[index].indent > indent, let child = block(indent: lines[index].indent) else { return nil }
                items.append(child)
            } else if Self.keyValue(rest) != nil {
                // "- key: value" opens a mapping whose keys sit two columns in.
                let inner = indent + 1 + (lines[index].text.count - 1 - rest.count)
                lines[index] = (inner, rest)
                guard let child = mapping(indent: inner) else { return nil }
                items.append(child)
            } else {
                items.append(Self.scalarOrFlow(rest))
                index += 1
            }
        }
        return .list(items)
    }

    private mutating func mapping(indent: Int) -> MiniYAML? {
        var fields: [(String, MiniYAML)] = []
        while index < lines.count, lines[index].indent == indent {
            guard let (key, value) = Self.keyValue(lines[index].text) else { return nil }
            index += 1
            if !value.isEmpty {
                fields.append((key, Self.scalarOrFlow(value)))
                continue
            }
            if index < lines.count, lines[index].indent > indent || (lines[index].indent == indent && lines[index].text.hasPrefix("- ")) {
                guard let child = block(indent: lines[index].indent) else { return nil }
                fields.append((key, child))
            } else {
                fields.append((key, .scalar("")))
            }
        }
        return .map(fields)
    }

    static func keyValue(_ text: String) -> (String, String)? {
        guard let colon = text.range(of: ": ") ?? (text.hasSuffix(":") ? text.range(of: ":", options: .backwards) : nil) else { return nil }
        let key = unquote(String(text[..<colon.lowerBound]).trimmingCharacters(in: .whitespaces))
        guard !key.isEmpty, !key.hasPrefix("\""), !key.hasPrefix("'"), !key.contains("[") else { return nil }
        return (key, String(text[colon.upperBound...]).trimmingCharacters(in: .whitespaces))
    }

    static func scalarOrFlow(_ text: String) -> MiniYAML {
        if text.hasPrefix("["), text.hasSuffix("]") {
            let inner = text.dropFirst().dropLast()
            return .list(inner.split(separator: ",").map { .scalar(unquote($0.trimmingCharacters(in: .whitespaces))) })
        }
        return .scalar(unquote(text))
    }

    static func unquote(_ text: String) -> String {
        if text.count >= 2, (text.hasPrefix("\"") && text.hasSuffix("\"")) || (text.hasPrefix("'") && text.hasSuffix("'")) {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    static func stripComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for (offset, c) in line.enumerated() {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#", previous == " " || offset == 0 {
                return String(line.prefix(offset))
            }
            previous = c
        }
        return line
    }
}
