import Foundation

/// Why a JSONL or CSV file could not be read; names the file and the line.
public struct DataFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// JSON Lines: one JSON object per line; blank lines are skipped.
public enum JSONLReader {
    public static func rows(_ data: Data, name: String) throws -> [JSONValue] {
        try numberedRows(data, name: name).map(\.row)
    }

    /// The rows with the 1-based line each is on.
    public static func numberedRows(_ data: Data, name: String) throws -> [(line: Int, row: JSONValue)] {
        var order = JSONKeyOrder()
        return try numberedRows(data, name: name, keyOrder: &order)
    }

    /// The rows, with the order of their keys (each key where it first appears) merged into `keyOrder`.
    public static func numberedRows(_ data: Data, name: String, keyOrder: inout JSONKeyOrder) throws -> [(line: Int, row: JSONValue)] {
        let bytes = [UInt8](data)
        var lines: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            for i in 0..<buffer.count where buffer[i] == 0x0a {
                lines.append(start..<i)
                start = i + 1
            }
            if start < buffer.count { lines.append(start..<buffer.count) }
        }
        var rows: [(line: Int, row: JSONValue)] = []
        rows.reserveCapacity(lines.count)
        for (number, range) in lines.enumerated() {
            let line = bytes[range]
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
            let value: JSONValue
            do {
                var parser = JSONParser(bytes: Array(line))
                value = try parser.parseDocument(recording: &keyOrder)
            } catch {
                throw DataFileError(file: name, line: number + 1, message: "invalid JSON: \(error)")
            }
            guard case .object = value else {
                throw DataFileError(file: name, line: number + 1, message: "each line must be a JSON object")
            }
            rows.append((number + 1, value))
        }
        return rows
    }
}

/// A `.json` file: a JSON array of objects, or JSON Lines (as `datasets` accepts both).
public enum JSONFileReader {
    public static func rows(_ data: Data, name: String) throws -> [JSONValue] {
        var order = JSONKeyOrder()
        return try rows(data, name: name, keyOrder: &order)
    }

    /// The rows, with the order of the objects' keys merged into `keyOrder`.
    public static func rows(_ data: Data, name: String, keyOrder: inout JSONKeyOrder) throws -> [JSONValue] {
        guard let first = data.first(where: { ![0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf].contains($0) }), first == UInt8(ascii: "[") else {
            return try JSONLReader.numberedRows(data, name: name, keyOrder: &keyOrder).map(\.row)
        }
        let document: JSONValue
        var order = JSONKeyOrder()
        do {
            var parser = JSONParser(bytes: [UInt8](data))
            document = try parser.parseDocument(recording: &order)
        } catch {
            throw DataFileError(file: name, message: "invalid JSON: \(error)")
        }
        guard let items = document.arrayValue else { throw DataFileError(file: name, message: "expected a JSON array of objects") }
        for (index, item) in items.enumerated() where item.objectValue == nil {
            throw DataFileError(file: name, message: "item \(index) of the array is not a JSON object")
        }
        if let rows = order.elements { keyOrder.merge(rows) }
        return items
    }
}

/// CSV (RFC 4180) with a header row: fields may be quoted, with `""` for a quote and commas and
/// line breaks inside quotes. Every value is a string, as written; a row must have as many fields
/// as the header.
public enum CSVReader {
    public static func rows(_ data: Data, name: String) throws -> [JSONValue] {
        try numberedRows(data, name: name).map(\.row)
    }

    /// The rows with the 1-based line each starts on.
    public static func numberedRows(_ data: Data, name: String) throws -> [(line: Int, row: JSONValue)] {
        var order = JSONKeyOrder()
        return try numberedRows(data, name: name, keyOrder: &order)
    }

    /// The rows, with the header's column order merged into `keyOrder`.
    public static func numberedRows(_ data: Data, name: String, keyOrder: inout JSONKeyOrder) throws -> [(line: Int, row: JSONValue)] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let records = try parse(bytes, name: name)
        guard let header = records.first else { throw DataFileError(file: name, message: "the file is empty; a header row is required") }
        let columns = header.fields
        keyOrder.merge(.flat(columns))
        var seen = Set<String>()
        for column in columns where !seen.insert(column).inserted {
            throw DataFileError(file: name, line: header.line, message: "column '\(column)' appears twice in the header")
        }
        return try records.dropFirst().map { record in
            guard record.fields.count == columns.count else {
                throw DataFileError(file: name, line: record.line, message: "row has \(record.fields.count) fields, header has \(columns.count)")
            }
            var object: [String: JSONValue] = [:]
            for (column, field) in zip(columns, record.fields) { object[column] = .string(field) }
            return (record.line, .object(object))
        }
    }

    struct Record {
        var fields: [String]
        var line: Int
    }

    static func parse(_ bytes: [UInt8], name: String) throws -> [Record] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), ret = UInt8(ascii: "\r")
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var i = 0
        var inQuotes = false
        var fieldWasQuoted = false
        var quoteLine = 1
        func text(_ raw: [UInt8]) throws -> String {
            guard let s = String(validating: raw, as: UTF8.self) else {
                throw DataFileError(file: name, line: line, message: "field is not UTF-8 text")
            }
            return s
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < bytes.count, bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                    inQuotes = false
                } else {
                    if b == newline { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case quote:
                guard field.isEmpty, !fieldWasQuoted else {
                    throw DataFileError(file: name, line: line, message: "a quote inside an unquoted field")
                }
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
            case comma:
                fields.append(try text(field)); field.removeAll(keepingCapacity: true); fieldWasQuoted = false
            case newline, ret:
                if b == ret, i + 1 < bytes.count, bytes[i + 1] == newline { i += 1 }
                fields.append(try text(field)); field.removeAll(keepingCapacity: true); fieldWasQuoted = false
                if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(fields: fields, line: recordLine)) }
                fields.removeAll()
                line += 1
                recordLine = line
            default:
                guard !fieldWasQuoted else {
                    throw DataFileError(file: name, line: line, message: "text after the closing quote of a field")
                }
                field.append(b)
            }
            i += 1
        }
        if inQuotes { throw DataFileError(file: name, line: quoteLine, message: "quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted {
            fields.append(try text(field))
            records.append(Record(fields: fields, line: recordLine))
        }
        return records
    }
}
