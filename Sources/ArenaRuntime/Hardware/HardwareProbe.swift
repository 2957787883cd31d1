import Foundation

public struct GPUDevice: Sendable, Equatable {
    public var name: String
    public var memoryMiB: Int?
    public var uuid: String?

    public init(name: String, memoryMiB: Int? = nil, uuid: String? = nil) {
        self.name = name
        self.memoryMiB = memoryMiB
        self.uuid = uuid
    }
}

/// The hardware a run actually used, as recorded in the bundle.
public struct HardwareReport: Sendable, Equatable {
    public var cpuModel: String
    public var cpuCores: Int
    public var memoryBytes: Int
    /// "nvidia", "amd" or nil when no GPU tool answered.
    public var gpuVendor: String?
    public var gpus: [GPUDevice]
    public var driverVersion: String?
    /// CUDA (nvidia-smi's header) or ROCm version.
    public var runtimeVersion: String?

    public init(cpuModel: String, cpuCores: Int, memoryBytes: Int, gpuVendor: String? = nil, gpus: [GPUDevice] = [],
                driverVersion: String? = nil, runtimeVersion: String? = nil) {
        self.cpuModel = cpuModel
        self.cpuCores = cpuCores
        self.memoryBytes = memoryBytes
        self.gpuVendor = gpuVendor
        self.gpus = gpus
        self.driverVersion = driverVersion
        self.runtimeVersion = runtimeVersion
    }

    /// Canonical JSON for the bundle (no serial numbers: GPU UUIDs are left out).
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "cpu_model": .string(cpuModel), "cpu_cores": .int(cpuCores), "memory_bytes": .int(memoryBytes),
            "gpus": .array(gpus.map { gpu in
                var entry: [String: JSONValue] = ["name": .string(gpu.name)]
                if let memory = gpu.memoryMiB { entry["memory_mib"] = .int(memory) }
                return .object(entry)
            }),
        ]
        if let gpuVendor { fields["gpu_vendor"] = .string(gpuVendor) }
        if let driverVersion { fields["driver_version"] = .string(driverVersion) }
        if let runtimeVersion { fields["runtime_version"] = .string(runtimeVersion) }
        return .object(fields)
    }
}

/// Reads the machine: `nvidia-smi` or `rocm-smi` for GPUs, /proc for CPU and memory.
public enum HardwareProbe {
    public static func capture(environment: [String: String] = ProcessInfo.processInfo.environment) -> HardwareReport {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        var report = HardwareReport(cpuModel: parseCPUModel(cpuinfo) ?? "unknown",
                                    cpuCores: ProcessInfo.processInfo.activeProcessorCount,
                                    memoryBytes: parseMemoryBytes(meminfo) ?? 0)
        if let query = ToolRunner.output("nvidia-smi", ["--query-gpu=name,memory.total,driver_version,uuid", "--format=csv,noheader,nounits"], environment: environment) {
            let (gpus, driver) = parseNvidiaQuery(query)
            if !gpus.isEmpty {
                report.gpuVendor = "nvidia"
                report.gpus = gpus
                report.driverVersion = driver
                report.runtimeVersion = ToolRunner.output("nvidia-smi", [], environment: environment).flatMap(parseCUDAVersion)
            }
        } else if let json = ToolRunner.output("rocm-smi", ["--showproductname", "--showmeminfo", "vram", "--json"], environment: environment) {
            let gpus = parseROCmSMI(json)
            if !gpus.isEmpty {
                report.gpuVendor = "amd"
                report.gpus = gpus
                report.runtimeVersion = (try? String(contentsOfFile: "/opt/rocm/.info/version", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return report
    }

    /// `nvidia-smi --query-gpu=name,memory.total,driver_version,uuid --format=csv,noheader,nounits` lines.
    public static func parseNvidiaQuery(_ text: String) -> (gpus: [GPUDevice], driver: String?) {
        var gpus: [GPUDevice] = []
        var driver: String?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2, !fields[0].isEmpty else { continue }
            gpus.append(GPUDevice(name: fields[0], memoryMiB: Int(fields[1]), uuid: fields.count > 3 ? fields[3] : nil))
            if fields.count > 2 { driver = fields[2] }
        }
        return (gpus, driver)
    }

    /// "CUDA Version: 12.4" from nvidia-smi's header.
    public static func parseCUDAVersion(_ text: String) -> String? {
        guard let range = text.range(of: "CUDA Version:") else { return nil }
        let rest = text[range.upperBound...].drop(while: { $0 == " " })
        let version = rest.prefix(while: { $0.isNumber || $0 == "." })
        return version.isEmpty ? nil : String(version)
    }

    /// `rocm-smi --showproductname --showmeminfo vram --json`: {"card0": {"Card series": ..., "VRAM Total Memory (B)": ...}}.
    public static func parseROCmSMI(_ text: String) -> [GPUDevice] {
        guard let json = try? JSONValue.parse(text), let cards = json.objectValue else { return [] }
        return cards.keys.filter { $0.hasPrefix("card") }.sorted { (Int($0.dropFirst(4)) ?? 0) < (Int($1.dropFirst(4)) ?? 0) }.compactMap { key in
            guard let card = cards[key] else { return nil }
            let name = card["Card Series"]?.stringValue ?? card["Card series"]?.stringValue ?? card["Card model"]?.stringValue ?? "AMD GPU"
            let bytes = card["VRAM Total Memory (B)"]?.stringValue.flatMap { Int($0) }
            return GPUDevice(name: name, memoryMiB: bytes.map { $0 / (1 << 20) })
        }
    }

    public static func parseCPUModel(_ cpuinfo: String) -> String? {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("model name") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    public static func parseMemoryBytes(_ meminfo: String) -> Int? {
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let number = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return number.map { $0 * 1024 }
        }
        return nil
    }
}

/// The hardware an engine spec pins: GPU kind and how many.
public struct HardwareRequirement: Sendable, Equatable {
    public var gpu: String?
    public var count: Int

    public init(gpu: String?, count: Int) {
        self.gpu = gpu
        self.count = count
    }

    public init(engine: EngineSpec) {
        self.init(gpu: engine.gpu, count: engine.gpu == nil ? 0 : max(engine.gpuCount, engine.tensorParallel))
    }

    static let amdKinds = ["mi300", "mi325", "mi250", "mi210", "mi100", "radeon", "instinct", "rocm", "amd"]

    public static func isAMD(_ kind: String?) -> Bool {
        guard let kind = kind?.lowercased() else { return false }
        return amdKinds.contains { kind.contains($0) }
    }

    /// Why `report` contradicts this requirement, or nil when it does not.
    public func mismatch(with report: HardwareReport) -> String? {
        guard let gpu, gpu.lowercased() != "cpu", count > 0 else { return nil }
        guard report.gpus.count >= count else {
            let found = report.gpus.isEmpty ? "no GPU" : "\(report.gpus.count) GPU(s): \(report.gpus.map(\.name).joined(separator: ", "))"
            return "the experiment pins \(count) x \(gpu), but this machine has \(found)"
        }
        let wanted = Self.normalized(gpu)
        let used = report.gpus.prefix(count)
        if let other = used.first(where: { !Self.normalized($0.name).contains(wanted) }) {
            return "the experiment pins \(count) x \(gpu), but GPU '\(other.name)' would be used"
        }
        return nil
    }

    static func normalized(_ name: String) -> String {
        String(name.lowercased().filter { $0.isLetter || $0.isNumber })
    }
}

public enum HardwareMismatchError: Error, CustomStringConvertible {
    case mismatch(engine: String, reason: String)

    public var description: String {
        switch self {
        case let .mismatch(engine, reason):
            return "engine '\(engine)': \(reason); pass --allow-hardware-mismatch to run anyway"
        }
    }
}
