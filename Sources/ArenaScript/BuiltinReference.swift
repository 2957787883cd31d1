/// The reference of a host's built-ins as Markdown, so the language documentation is generated
/// from the same registrations the checker uses. Built-ins with identical parameters share one
/// entry.
public enum BuiltinReference {
    public static func markdown(_ host: HostEnvironment) -> String {
        var groups: [(names: [String], function: BuiltinFunction)] = []
        for name in host.functionNames {
            guard let f = host.functions[name] else { continue }
            if let i = groups.firstIndex(where: { sameShape($0.function, f) }) {
                groups[i].names.append(name)
            } else {
                groups.append(([name], f))
            }
        }
        var out = ""
        for (names, f) in groups {
            if names.count == 1 {
                out += "### `\(signature(names[0], f))` → \(f.returns)\n\n"
                if !f.summary.isEmpty { out += f.summary + "\n\n" }
            } else {
                out += "### " + names.map { "`\($0)`" }.joined(separator: ", ") + " `" + signature("", f) + "` → \(f.returns)\n\n"
            }
            if f.usableAsValue { out += "Usable bare: `name` means `name()`.\n\n" }
            guard !f.parameters.isEmpty else { continue }
            out += "| parameter | type | default | meaning |\n|---|---|---|---|\n"
            for p in f.parameters {
                let label = p.isPositional ? "`\(p.name)` (unlabelled)" : "`\(p.name):`"
                let requirement: String = switch p.requirement {
                case .required: "required"
                case .optional: "—"
                case .defaultValue(let v): "`\(v)`"
                }
                out += "| \(label) | \(p.type) | \(requirement) | \(p.summary) |\n"
            }
            out += "\n"
        }
        return out
    }

    static func signature(_ name: String, _ f: BuiltinFunction) -> String {
        name + "(" + f.parameters.map { $0.isPositional ? $0.name : "\($0.name):" }.joined(separator: ", ") + ")"
    }

    private static func sameShape(_ a: BuiltinFunction, _ b: BuiltinFunction) -> Bool {
        a.returns == b.returns && a.usableAsValue == b.usableAsValue && a.parameters.count == b.parameters.count
            && zip(a.parameters, b.parameters).allSatisfy { p, q in
                p.name == q.name && p.type == q.type && p.summary == q.summary && p.isPositional == q.isPositional
            }
    }
}
