import Testing
@testable import ArenaRuntime

/// `str.isalnum` (regex `\w`), `str.isdecimal` (`\d`, float digits), `str.isspace` (`\s`, split,
/// strip) and `str.lower` agree with CPython for every code point assigned in CPython's Unicode
/// database. Code points that Swift's tables date from a newer Unicode version are left out.
@Suite struct UnicodeTablesTests {
    private struct Tables {
        let assigned: [Bool]
        let version: (Int, Int)
        let value: JSONValue

        func flags(_ key: String) throws -> [Bool] {
            var flags = [Bool](repeating: false, count: 0x110000)
            for range in try #require(value[key]?.arrayValue) {
                let bounds = try #require(range.arrayValue).compactMap(\.intValue)
                for cp in bounds[0]...bounds[1] { flags[cp] = true }
            }
            return flags
        }

        /// Code points to compare: assigned in CPython's database and not newer in Swift's.
        func comparable() -> [Unicode.Scalar] {
            (0..<0x110000).compactMap { cp in
                guard assigned[cp], let scalar = Unicode.Scalar(UInt32(cp)) else { return nil }
                guard let age = scalar.properties.age, (age.major, age.minor) <= version else { return nil }
                return scalar
            }
        }
    }

    private func tables() throws -> Tables {
        let value = try #require(try MetricsReference.value()["unicode"])
        let version = try #require(value.string("unidata_version")).split(separator: ".").compactMap { Int($0) }
        var tables = Tables(assigned: [], version: (version[0], version[1]), value: value)
        tables = Tables(assigned: try tables.flags("assigned"), version: tables.version, value: value)
        return tables
    }

    @Test func characterClassesAgreeWithCPython() throws {
        let t = try tables()
        let alnum = try t.flags("isalnum"), decimal = try t.flags("isdecimal"), space = try t.flags("isspace")
        let scalars = t.comparable()
        #expect(scalars.count > 100_000)
        var mismatches: [String] = []
        for scalar in scalars {
            let cp = Int(scalar.value)
            if PythonText.isAlphanumeric(scalar) != alnum[cp] { mismatches.append("isalnum U+\(String(cp, radix: 16))") }
            if PythonText.isDecimal(scalar) != decimal[cp] { mismatches.append("isdecimal U+\(String(cp, radix: 16))") }
            if PythonText.isSpace(scalar) != space[cp] { mismatches.append("isspace U+\(String(cp, radix: 16))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differences, first: \(mismatches.prefix(20))")
    }

    /// sacrebleu's intl tokenizer uses the `regex` module's \p{P}, \p{N} and \p{S}.
    @Test func sacrebleuCategoriesAgreeWithTheRegexModule() throws {
        let t = try tables()
        let punctuation = try t.flags("regex_P"), number = try t.flags("regex_N"), symbol = try t.flags("regex_S")
        var mismatches: [String] = []
        for scalar in t.comparable() {
            let cp = Int(scalar.value)
            if SacreBLEU.isPunctuation(scalar) != punctuation[cp] { mismatches.append("P U+\(String(cp, radix: 16))") }
            if SacreBLEU.isNumber(scalar) != number[cp] { mismatches.append("N U+\(String(cp, radix: 16))") }
            if SacreBLEU.isSymbol(scalar) != symbol[cp] { mismatches.append("S U+\(String(cp, radix: 16))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differences, first: \(mismatches.prefix(20))")
    }

    @Test func lowerAgreesWithCPython() throws {
        let t = try tables()
        var expected: [UInt32: [UInt32]] = [:]
        for entry in try #require(t.value["lower"]?.arrayValue) {
            let cp = try #require(entry.arrayValue?.first?.intValue)
            expected[UInt32(cp)] = try #require(entry.arrayValue?.last?.arrayValue).compactMap(\.intValue).map(UInt32.init)
        }
        var mismatches: [String] = []
        for scalar in t.comparable() {
            let lowered = PythonText.lower(String(Character(scalar))).unicodeScalars.map(\.value)
            if lowered != (expected[scalar.value] ?? [scalar.value]) { mismatches.append("U+\(String(scalar.value, radix: 16))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differences, first: \(mismatches.prefix(20))")
    }
}
