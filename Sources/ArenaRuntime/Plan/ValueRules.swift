import ArenaScript

/// Check-time rules for built-in arguments: formats that can be known wrong before any network.
enum ValueRules {
    static func wholeNumber(atLeast minimum: Int) -> ValueRule {
        { value in
            guard let n = value.integerValue, n >= minimum else {
                return ArgumentProblem("must be a whole number of at least \(minimum), found \(value)")
            }
            return nil
        }
    }

    static func oneOf(_ options: [String], what: String, caseInsensitive: Bool = false) -> ValueRule {
        { value in
            guard let s = value.stringValue else { return nil }
            let found = caseInsensitive ? options.contains { $0.lowercased() == s.lowercased() } : options.contains(s)
            return found ? nil : ArgumentProblem("unknown \(what) \(value)", hint: "use one of \(options.joined(separator: ", "))")
        }
    }

    static let nonEmpty: ValueRule = { value in
        value.stringValue?.isEmpty == true ? ArgumentProblem("must not be empty") : nil
    }

    /// A `.gguf` file name at a repository's root: no folder, not hidden.
    static let ggufFileName: ValueRule = { value in
        guard let s = value.stringValue else { return nil }
        guard !s.isEmpty, !s.contains("/"), !s.hasPrefix("."), s.lowercased().hasSuffix(".gguf") else {
            return ArgumentProblem("\(value) is not the name of a .gguf file at the repository's root", hint: "e.g. file: \"model.Q4_K_M.gguf\"")
        }
        return nil
    }

    static func isLocalPath(_ s: String) -> Bool {
        s.hasPrefix("/") || s.hasPrefix("./") || s.hasPrefix("../")
    }

    /// `org/name` on the Hub (one slash at most) or a local path.
    static let repositoryID: ValueRule = { value in
        guard let s = value.stringValue, !isLocalPath(s) else { return nil }
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        let ok = (1...2).contains(parts.count) && parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, isAlphanumeric(first), part.count <= 96 else { return false }
            return part.unicodeScalars.allSatisfy { isAlphanumeric($0) || "._-".unicodeScalars.contains($0) }
                && !part.contains("..") && !part.contains("--") && !part.hasSuffix(".")
        }
        return ok ? nil : ArgumentProblem("\(value) is not a Hugging Face repository id",
                                          hint: "ids look like org/name; local folders start with /, ./ or ../")
    }

    /// A branch or tag name (git's ref-name rules) or a full 40-hex commit SHA.
    static let revision: ValueRule = { value in
        guard let s = value.stringValue else { return nil }
        if isCommitSHA(s) { return nil }
        let bad = s.isEmpty || s.hasPrefix("/") || s.hasSuffix("/") || s.hasPrefix(".") || s.hasPrefix("-")
            || s.hasSuffix(".") || s.hasSuffix(".lock") || s.contains("..") || s.contains("//") || s.contains("@{") || s == "@"
            || s.unicodeScalars.contains { $0.value < 0x21 || $0.value == 0x7F || "~^:?*[\\".unicodeScalars.contains($0) }
        if bad {
            return ArgumentProblem("\(value) is not a branch, tag or commit SHA",
                                   hint: "use a branch or tag name like \"main\" or \"v1.0\", or a full 40-character commit SHA")
        }
        if (7..<40).contains(s.count), s.unicodeScalars.allSatisfy(isLowerHex) {
            return ArgumentProblem("revision \(value) looks like a shortened commit SHA; the Hub resolves only full SHAs",
                                   hint: "write all 40 hex digits", severity: .warning)
        }
        return nil
    }

    static func isCommitSHA(_ s: String) -> Bool { s.count == 40 && s.unicodeScalars.allSatisfy(isLowerHex) }

    /// `[registry/]path[:tag][@sha256:<64 hex>]`, lowercase path as OCI requires.
    static let image: ValueRule = { value in
        guard let s = value.stringValue else { return nil }
        var name = Substring(s)
        if let at = s.firstIndex(of: "@") {
            let digest = s[s.index(after: at)...]
            name = s[..<at]
            let hex = digest.dropFirst("sha256:".count)
            guard digest.hasPrefix("sha256:"), hex.count == 64, hex.unicodeScalars.allSatisfy(isLowerHex) else {
                return ArgumentProblem("image digest in \(value) must be @sha256: followed by 64 lowercase hex digits",
                                       hint: "copy the digest from `docker inspect` or leave it out and let `lock` pin it")
            }
        }
        var tag: Substring?
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            tag = name[name.index(after: colon)...]
            name = name[..<colon]
        }
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        // The first component is a registry host when it has a '.' or ':' or is localhost (Docker's rule).
        let hasRegistry = components.count > 1 && (components[0].contains(".") || components[0].contains(":") || components[0] == "localhost")
        let nameOK = !components.isEmpty && components.enumerated().allSatisfy { i, c in
            !c.isEmpty && c.unicodeScalars.allSatisfy {
                isLowerAlphanumeric($0) || "._-".unicodeScalars.contains($0) || (i == 0 && hasRegistry && ($0 == ":" || isAlphanumeric($0)))
            }
        }
        let tagOK = tag.map { t in
            !t.isEmpty && t.count <= 128 && t.unicodeScalars.allSatisfy { isAlphanumeric($0) || "_.-".unicodeScalars.contains($0) }
        } ?? true
        guard nameOK, tagOK else {
            return ArgumentProblem("\(value) is not a container image reference",
                                   hint: "write name:tag, like \"vllm/vllm-openai:v0.8.5\", optionally with @sha256:<digest>")
        }
        if !s.contains("@"), tag == nil || tag == "latest" {
            return ArgumentProblem("image \(value) floats (no tag or 'latest'); the result depends on when it is locked",
                                   hint: "name a version tag such as :v0.8.5", severity: .warning)
        }
        return nil
    }

    static let httpURL: ValueRule = { value in
        guard let s = value.stringValue else { return nil }
        let lower = s.lowercased()
        let rest = lower.hasPrefix("http://") ? lower.dropFirst(7) : lower.hasPrefix("https://") ? lower.dropFirst(8) : nil
        guard let rest, let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first,
              !host.isEmpty, !s.contains(" ") else {
            return ArgumentProblem("\(value) is not an http(s) URL", hint: "write it like \"http://127.0.0.1:8000/v1\"")
        }
        return nil
    }

    static let fraction: ValueRule = { value in
        guard let x = value.numberValue, x > 0, x <= 1 else {
            return ArgumentProblem("must be greater than 0 and at most 1, found \(value)")
        }
        return nil
    }

    static let dataFile: ValueRule = { value in
        guard let s = value.stringValue else { return nil }
        let known = [".jsonl", ".json", ".csv", ".parquet"]
        return known.contains(where: { s.lowercased().hasSuffix($0) }) ? nil
            : ArgumentProblem("data file \(value) is not JSONL, JSON, CSV or Parquet", hint: "name a file ending in \(known.joined(separator: ", "))")
    }

    static func isLowerHex(_ c: Unicode.Scalar) -> Bool { (c >= "0" && c <= "9") || (c >= "a" && c <= "f") }
    static func isLowerAlphanumeric(_ c: Unicode.Scalar) -> Bool { (c >= "0" && c <= "9") || (c >= "a" && c <= "z") }
    static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool { isLowerAlphanumeric(c) || (c >= "A" && c <= "Z") }
}
