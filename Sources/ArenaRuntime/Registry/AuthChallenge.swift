import Foundation

/// A parsed `WWW-Authenticate` header: `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`.
struct AuthChallenge: Equatable {
    var scheme: String
    var parameters: [String: String]

    static func parse(_ header: String) -> AuthChallenge? {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else {
            return trimmed.isEmpty ? nil : AuthChallenge(scheme: trimmed.lowercased(), parameters: [:])
        }
        var params: [String: String] = [:]
        var scalars = Array(trimmed[trimmed.index(after: space)...].unicodeScalars)
        scalars.append(",")
        var i = 0
        while i < scalars.count {
            var name = ""
            while i < scalars.count, scalars[i] != "=", scalars[i] != "," { name.unicodeScalars.append(scalars[i]); i += 1 }
            guard i < scalars.count, scalars[i] == "=" else { i += 1; continue }
            i += 1
            var value = ""
            if i < scalars.count, scalars[i] == "\"" {
                i += 1
                while i < scalars.count, scalars[i] != "\"" {
                    if scalars[i] == "\\", i + 1 < scalars.count { i += 1 }
                    value.unicodeScalars.append(scalars[i])
                    i += 1
                }
                i += 1
                while i < scalars.count, scalars[i] != "," { i += 1 }
            } else {
                while i < scalars.count, scalars[i] != "," { value.unicodeScalars.append(scalars[i]); i += 1 }
            }
            i += 1
            params[name.trimmingCharacters(in: .whitespaces).lowercased()] = value.trimmingCharacters(in: .whitespaces)
        }
        return AuthChallenge(scheme: String(trimmed[..<space]).lowercased(), parameters: params)
    }
}
