import ArenaRuntime
import ArenaScript
import Foundation
import Testing

/// Each `Tests/Fixtures/diagnostics/NAME.arena` is a bad experiment whose first line says, by
/// hand, where its first diagnostic must start: `# first: LINE `text` SEVERITY` (at the first
/// occurrence of `text` on that line) or `# first: LINE:COLUMN SEVERITY`. `NAME.expected` is the
/// rendered output. ARENA_UPDATE_GOLDENS=1 rewrites the `.expected` files; the position check
/// still holds them to the hand-written place.
enum GoldenFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/diagnostics")

    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".arena") }.map { String($0.dropLast(".arena".count)) }.sorted()
    }()

    struct Annotation: Equatable {
        var line: Int
        var column: Int
        var severity: Severity
    }

    static func annotation(in source: String) -> Annotation? {
        let lines = source.components(separatedBy: "\n")
        guard let first = lines.first, first.hasPrefix("# first: ") else { return nil }
        let spec = first.dropFirst("# first: ".count)
        guard let space = spec.lastIndex(of: " "), let severity = Severity(rawValue: String(spec[spec.index(after: space)...])) else { return nil }
        let place = spec[..<space]
        if let tick = place.firstIndex(of: "`") {
            guard let line = Int(place[..<tick].trimmingCharacters(in: .whitespaces)), lines.indices.contains(line - 1) else { return nil }
            let anchor = String(place[place.index(after: tick)...].dropLast())
            guard let found = lines[line - 1].range(of: anchor) else { return nil }
            let column = lines[line - 1][..<found.lowerBound].unicodeScalars.count + 1
            return Annotation(line: line, column: column, severity: severity)
        }
        let position = place.split(separator: ":").compactMap { Int($0) }
        guard position.count == 2 else { return nil }
        return Annotation(line: position[0], column: position[1], severity: severity)
    }
}

@Suite struct GoldenDiagnosticsTests {
    @Test func thereAreEnoughDistinctFixtures() {
        #expect(GoldenFixtures.names.count >= 30)
    }

    @Test(arguments: GoldenFixtures.names)
    func fixtureRendersItsGoldenDiagnostics(name: String) throws {
        let sourceURL = GoldenFixtures.directory.appendingPathComponent("\(name).arena")
        let expectedURL = GoldenFixtures.directory.appendingPathComponent("\(name).expected")
        let source = try String(contentsOf: sourceURL, encoding: .utf8)
        let annotation = try #require(GoldenFixtures.annotation(in: source), "\(name).arena lacks its '# first: L:C severity' line")

        let result = PlanLoader.check(source: source, path: "\(name).arena")
        let first = try #require(result.diagnostics.first, "\(name) produced no diagnostic")
        #expect(GoldenFixtures.Annotation(line: first.line, column: first.column, severity: first.severity) == annotation,
                "\(name): first diagnostic is \(first)")
        if annotation.severity == .error { #expect(result.plan == nil) }

        let rendered = result.rendered(colour: false)
        if ProcessInfo.processInfo.environment["ARENA_UPDATE_GOLDENS"] == "1" {
            try rendered.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(rendered == expected)
        // The rendered header names the same position the annotation gives.
        #expect(rendered.hasPrefix("\(name).arena:\(annotation.line):\(annotation.column): \(annotation.severity.rawValue): "))
    }

    @Test func severalSyntaxErrorsAreReportedInOneRun() throws {
        let source = try String(contentsOf: GoldenFixtures.directory.appendingPathComponent("several_syntax_errors.arena"), encoding: .utf8)
        let result = PlanLoader.check(source: source, path: "several.arena")
        #expect(result.diagnostics.map(\.line) == [2, 4, 5])
        #expect(result.diagnostics.allSatisfy { $0.severity == .error })
    }
}
