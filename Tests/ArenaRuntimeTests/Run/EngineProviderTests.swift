import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct EngineProviderTests {
    @Test(arguments: [
        ("../.venv/bin/vllm serve", "/work/exp/repo/.venv/bin/vllm serve"),
        ("venv/bin/python -m sglang.launch_server", "/work/exp/repo/experiments/venv/bin/python -m sglang.launch_server"),
        ("vllm serve", "vllm serve"),
        ("/opt/vllm/bin/vllm serve", "/opt/vllm/bin/vllm serve"),
    ])
    func aRelativeProgramIsFoundFromTheExperimentsFolder(command: String, resolved: String) {
        let engine = EngineSpec(key: "server", kind: .vllm, command: command)
        let directory = URL(fileURLWithPath: "/work/exp/repo/experiments")
        #expect(StandardEngineProvider.commandResolved(engine, against: directory).command == resolved)
    }
}
