import Foundation
import Testing
@testable import ArenaRuntime

/// `HF_HUB_OFFLINE` (and `TRANSFORMERS_OFFLINE`) read exactly as huggingface_hub 2.4.0 reads them,
/// checked against the library itself; `ARENA_OFFLINE` takes the same values.
@Suite struct OfflineModeTests {
    static let values = ["1", "0", "true", "TRUE", "True", "yes", "Yes", "on", "ON", "y", "t", "2", "", " 1", "1 ", "false", "no", "off", "auto"]

    /// Each case: HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE (nil: unset).
    static var cases: [(String?, String?)] {
        values.map { ($0, nil) } + values.map { (nil, $0) } + [("", "1"), ("0", "1"), ("1", "0"), (nil, nil)]
    }

    @Test func hubOfflineIsReadAsHuggingfaceHubReadsIt() throws {
        let script = """
            import importlib, json, os, sys
            import huggingface_hub.constants as constants
            out = []
            for hub, transformers in json.load(sys.stdin):
                for name, value in (("HF_HUB_OFFLINE", hub), ("TRANSFORMERS_OFFLINE", transformers)):
                    os.environ.pop(name, None)
                    if value is not None:
                        os.environ[name] = value
                out.append(importlib.reload(constants).HF_HUB_OFFLINE)
            print(json.dumps(out))
            """
        let input = JSONValue.array(Self.cases.map { .array([$0.0.map(JSONValue.string) ?? .null, $0.1.map(JSONValue.string) ?? .null]) })
        let output = try TestPython.output(["-c", script], input: Data(input.serialized(indent: nil).utf8))
        let theirs = try #require(try JSONValue.parse(output).arrayValue).map { $0.boolValue }
        #expect(theirs.count == Self.cases.count)
        #expect(theirs.contains(true) && theirs.contains(false))
        for (index, (hub, transformers)) in Self.cases.enumerated() {
            var environment: [String: String] = [:]
            environment["HF_HUB_OFFLINE"] = hub
            environment["TRANSFORMERS_OFFLINE"] = transformers
            #expect(OfflineMode.fromEnvironment(environment) == theirs[index], "HF_HUB_OFFLINE=\(hub ?? "unset") TRANSFORMERS_OFFLINE=\(transformers ?? "unset")")
        }
    }

    @Test(arguments: values)
    func arenaOfflineTakesTheSameValues(value: String) {
        #expect(OfflineMode.fromEnvironment(["ARENA_OFFLINE": value]) == OfflineMode.fromEnvironment(["HF_HUB_OFFLINE": value]))
    }

    @Test func downloadsReadTheSameSetting() {
        for value in Self.values {
            #expect(HubFilesConfiguration.fromEnvironment(["HF_HUB_OFFLINE": value, "HOME": "/nonexistent"]).offline
                    == OfflineMode.fromEnvironment(["HF_HUB_OFFLINE": value]))
        }
    }
}
