import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct ServerCommandTests {
    let hf = URL(fileURLWithPath: "/hf")

    @Test func anImageWithoutAPinnedDigestIsRefused() {
        let engine = EngineSpec(key: "server", kind: .vllm, image: "vllm/vllm-openai:v0.8.5")
        #expect(throws: ServerCommandError.imageNotPinned(engine: "server", image: "vllm/vllm-openai:v0.8.5")) {
            _ = try ServerCommandBuilder.build(engine: engine, model: testModel, pins: ServerLaunchPins(modelCommit: "c"), seed: 1,
                                               port: 9000, containerName: "n", hfCache: hf, environment: [:])
        }
    }

    @Test(arguments: [
        ("vllm/vllm-openai:v0.8.5", "vllm/vllm-openai@sha256:00"),
        ("localhost:5000/team/vllm:nightly", "localhost:5000/team/vllm@sha256:00"),
        ("lmsysorg/sglang", "lmsysorg/sglang@sha256:00"),
        ("lmsysorg/sglang@sha256:ff", "lmsysorg/sglang@sha256:ff"),
    ])
    func imagesAreReferencedByDigest(image: String, expected: String) throws {
        #expect(try ServerCommandBuilder.pinnedImage(image, digest: "sha256:00", engine: "e") == expected)
    }

    @Test(arguments: [
        ("bf16", ["--dtype", "bfloat16"]), ("fp16", ["--dtype", "float16"]), ("fp32", ["--dtype", "float32"]),
        ("fp8", ["--quantization", "fp8"]), ("awq", ["--quantization", "awq"]),
    ])
    func precisionMapsToServerFlags(precision: String, flags: [String]) throws {
        for kind in [EngineKind.vllm, .sglang] {
            #expect(try ServerCommandBuilder.precisionArguments(precision, engine: EngineSpec(key: "e", kind: kind)) == flags)
        }
    }

    /// Names `check` refuses are refused here too: aliases, other spellings and low-bit formats
    /// that are no server flag.
    @Test(arguments: ["int3", "int8", "int4", "fp4", "float16", "AWQ"])
    func anUnknownPrecisionNamesTheEngineAndTheValue(precision: String) {
        #expect(throws: ServerCommandError.unknownPrecision(engine: "e", precision: precision)) {
            _ = try ServerCommandBuilder.precisionArguments(precision, engine: EngineSpec(key: "e", kind: .vllm))
        }
    }

    @Test func amdGPUsGetROCmDevicesNotGpusFlag() throws {
        let engine = EngineSpec(key: "e", kind: .vllm, image: "rocm/vllm:latest", gpu: "MI300X", gpuCount: 8, tensorParallel: 8)
        let command = try ServerCommandBuilder.build(engine: engine, model: testModel, pins: testPins, seed: 1, port: 9000,
                                                     containerName: "n", hfCache: hf, environment: [:])
        #expect(command.arguments.contains("/dev/kfd") && command.arguments.contains("/dev/dri"))
        #expect(!command.arguments.contains("--gpus"))
        // Without HF_TOKEN in the environment, no -e HF_TOKEN.
        #expect(!command.arguments.contains("HF_TOKEN"))
    }

    @Test func aLocalModelFolderIsMountedReadOnlyWithoutARevision() throws {
        let model = ModelSpec(key: "m", id: "/models/tiny", isLocalPath: true)
        let engine = EngineSpec(key: "e", kind: .sglang, image: "lmsysorg/sglang:v0.4")
        let command = try ServerCommandBuilder.build(engine: engine, model: model, pins: testPins, seed: 1, port: 9000,
                                                     containerName: "n", hfCache: hf, environment: ["HF_TOKEN": "x"])
        #expect(command.arguments.contains("/models/tiny:/model:ro"))
        #expect(!command.arguments.contains("--revision"))
        #expect(command.arguments.contains("python3"))
        let modelPath = try #require(command.arguments.firstIndex(of: "--model-path"))
        #expect(command.arguments[modelPath + 1] == "/model")
    }

    @Test func aGivenLocalCommandIsUsedAsTheProgram() throws {
        let engine = EngineSpec(key: "e", kind: .vllm, command: "/opt/venv/bin/vllm serve")
        let command = try ServerCommandBuilder.build(engine: engine, model: testModel, pins: testPins, seed: 1, port: 9000,
                                                     containerName: "n", hfCache: hf, environment: [:])
        #expect(command.executable == "/opt/venv/bin/vllm")
        #expect(command.arguments.prefix(2) == ["serve", "org/tiny-model"])
        #expect(command.containerName == nil)
    }
}

@Suite struct HardwareProbeTests {
    static let fixtures = ServerFixtures.directory.appendingPathComponent("hardware")

    @Test func nvidiaSMIOutputFromAnH200MachineParses() throws {
        // Captured on an H200 machine with the exact query HardwareProbe runs (plus pci.bus_id).
        let query = try String(contentsOf: Self.fixtures.appendingPathComponent("nvidia-smi-query.csv"), encoding: .utf8)
        let (gpus, driver) = HardwareProbe.parseNvidiaQuery(query)
        #expect(gpus == [GPUDevice(name: "NVIDIA H200", memoryMiB: 143_771, uuid: "GPU-8aa0cf2e-d107-e31a-2d28-c343d9eab69a")])
        #expect(driver == "580.159.04")
        let header = try String(contentsOf: Self.fixtures.appendingPathComponent("nvidia-smi.txt"), encoding: .utf8)
        #expect(HardwareProbe.parseCUDAVersion(header) == "13.0")
    }

    @Test func cpuAndMemoryFromProc() throws {
        let cpuinfo = try String(contentsOf: Self.fixtures.appendingPathComponent("cpuinfo.txt"), encoding: .utf8)
        let meminfo = try String(contentsOf: Self.fixtures.appendingPathComponent("meminfo.txt"), encoding: .utf8)
        #expect(HardwareProbe.parseCPUModel(cpuinfo) == "Intel(R) Xeon(R) Processor")
        #expect(HardwareProbe.parseMemoryBytes(meminfo) == 131_981_020 * 1024)
    }

    @Test func rocmSMIJSONParses() {
        let json = #"{"card1": {"Card Series": "AMD Instinct MI300X", "VRAM Total Memory (B)": "205822885888"}, "card0": {"Card Series": "AMD Instinct MI300X", "VRAM Total Memory (B)": "205822885888"}}"#
        let gpus = HardwareProbe.parseROCmSMI(json)
        #expect(gpus.count == 2 && gpus.allSatisfy { $0.name == "AMD Instinct MI300X" && $0.memoryMiB == 196_288 })
    }

    @Test(arguments: [
        ("H100", 1, ["NVIDIA H100 80GB HBM3"], nil as String?),
        ("H100", 2, ["NVIDIA H100 80GB HBM3"], "this machine has 1 GPU(s)"),
        ("H100", 1, ["NVIDIA H200"], "GPU 'NVIDIA H200' would be used"),
        ("A100", 1, ["NVIDIA A100-SXM4-80GB", "NVIDIA A100-SXM4-80GB"], nil),
        ("MI300X", 1, ["AMD Instinct MI300X"], nil),
        ("L40S", 1, [], "this machine has no GPU"),
    ])
    func pinnedHardwareIsCheckedByKindAndCount(kind: String, count: Int, found: [String], reason: String?) {
        let report = HardwareReport(cpuModel: "x", cpuCores: 1, memoryBytes: 1, gpus: found.map { GPUDevice(name: $0) })
        let mismatch = HardwareRequirement(gpu: kind, count: count).mismatch(with: report)
        if let reason { #expect(mismatch?.contains(reason) == true, "\(String(describing: mismatch))") } else { #expect(mismatch == nil) }
    }
}
