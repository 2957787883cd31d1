import Foundation

/// Whether the environment asks for no network, read the way huggingface_hub 2.4.0 reads
/// `HF_HUB_OFFLINE` (`constants._is_true`): `ARENA_OFFLINE`, or `HF_HUB_OFFLINE` (when that is
/// unset or empty, `TRANSFORMERS_OFFLINE`), is `1`, `ON`, `YES` or `TRUE` in any letter case. Any
/// other value, surrounding spaces included, is false. `lock`, `run` and every download read it.
public enum OfflineMode {
    public static let trueValues: Set<String> = ["1", "ON", "YES", "TRUE"]

    public static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return trueValues.contains(value.uppercased())
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        let hub = environment["HF_HUB_OFFLINE"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["TRANSFORMERS_OFFLINE"]
        return isTrue(environment["ARENA_OFFLINE"]) || isTrue(hub)
    }
}
