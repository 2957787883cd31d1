import Foundation
import Testing
@testable import ArenaRuntime

/// The streaming readers of completions and tokenize responses against reading the fully parsed
/// `JSONValue` with its accessors (how the engine read them before), and the byte writer of request
/// bodies against `serializedData(indent: nil)`.
struct ResponseDecodingTests {
    /// The fully parsed reading: what `EchoedChoice` must hold for each choice.
    private func reference(_ json: JSONValue) -> [EchoedChoice]? {
        guard let choices = json["choices"]?.arrayValue else { return nil }
        return choices.map { choice in
            let logprobs = choice["logprobs"]
            return EchoedChoice(
                index: choice["index"]?.intValue,
                tokenLogprobs: logprobs?["token_logprobs"]?.arrayValue?.map(\.doubleValue),
                topBest: (logprobs?["top_logprobs"]?.arrayValue ?? []).map { ($0.objectValue ?? [:]).values.compactMap(\.doubleValue).max() })
        }
    }

    @Test func echoedChoicesFromTheFakeServerReadAsTheParsedResponse() throws {
        let server = try FakeServer()
        let body = JSONValue.object([
            "model": .string(server.model), "prompt": .array([.string("Question: 2+2?\nAnswer: 4"), .string("é \"quoted\" \\ text")]),
            "echo": .bool(true), "max_tokens": .int(1), "logprobs": .int(1),
        ])
        let response = try HTTPClient(retry: .none).send(HTTPRequest(method: "POST", url: server.baseURL + "/v1/completions",
                                                                     body: body.serializedData(indent: nil)))
        let decoded = try #require(try CompletionResponseDecoding.echoedChoices(response.body))
        #expect(decoded.count == 2)
        #expect(decoded.allSatisfy { ($0.tokenLogprobs?.count ?? 0) > 10 && $0.topBest.contains { $0 != nil } })
        #expect(decoded == reference(try JSONValue.parse(response.body)))
    }

    @Test(arguments: [
        #"{"choices":[{"index":1,"logprobs":{"token_logprobs":[null,-0.5,-1e-3],"top_logprobs":[null,{"a":-0.5,"b":-2},{"c":-0.001}]}},{"index":0,"logprobs":null}]}"#,
        #"{"choices":[{"logprobs":{"token_logprobs":[-1,"x",2.5],"top_logprobs":[{},{"a":"b"},[1],{"a":-3,"a":-1}]}}]}"#,
        #"{"choices":[{"logprobs":{"token_logprobs":[-1],"top_logprobs":{"a":1}}}],"choices":[{"index":"2","logprobs":{"token_logprobs":5}}]}"#,
        #"{"choices":{"index":0}}"#,
        #"{"other":[1,2,{"x":"\u00e9\n"}]}"#,
        #"[1,2]"#,
        #" { "choices" : [ 7 , { "index" : 3.0 , "text" : "a\"b" , "logprobs" : { "tokens" : [ "\\" ] , "token_logprobs" : [ -0.25 ] } } ] } "#,
    ])
    func echoedChoicesReadEdgeCasesAsTheParsedResponse(text: String) throws {
        let data = Data(text.utf8)
        #expect(try CompletionResponseDecoding.echoedChoices(data) == reference(try JSONValue.parse(data)))
    }

    @Test(arguments: [#"{"choices":[{"index":0,"logprobs":{"token_logprobs":[-1,"#, #"{"choices":[]} x"#, #"{"choices":[{"text":"a\qb"}]}"#, ""])
    func malformedResponsesAreRejectedLikeTheParser(text: String) {
        #expect(throws: (any Error).self) { try JSONValue.parse(Data(text.utf8)) }
        #expect(throws: (any Error).self) { try CompletionResponseDecoding.echoedChoices(Data(text.utf8)) }
        #expect(throws: (any Error).self) { try CompletionResponseDecoding.tokenize(Data(text.utf8)) }
    }

    @Test(arguments: [
        (#"{"tokens":[1,2,3],"count":3,"max_model_len":4096}"#, CompletionResponseDecoding.TokenizeAnswer.tokens([1, 2, 3])),
        (#"{"count":0,"tokens":[]}"#, .tokens([])),
        (#"{"tokens":[1,2.0,3]}"#, .tokens([1, 2, 3])),
        (#"{"tokens":[1,2.5]}"#, .nonInteger),
        (#"{"tokens":[1,null]}"#, .nonInteger),
        (#"{"tokens":"1 2"}"#, .missing),
        (#"{"ids":[1]}"#, .missing),
        (#"{"tokens":[9],"tokens":[4,5]}"#, .tokens([4, 5])),
        (#"[1]"#, .missing),
    ])
    func tokenizeAnswersReadAsTheParsedResponse(text: String, expected: CompletionResponseDecoding.TokenizeAnswer) throws {
        #expect(try CompletionResponseDecoding.tokenize(Data(text.utf8)) == expected)
        // The parsed reading the engine used before gives the same answer.
        let items = try JSONValue.parse(text)["tokens"]?.arrayValue
        switch expected {
        case let .tokens(ids): #expect(items?.compactMap(\.intValue) == ids && items?.count == ids.count)
        case .nonInteger: #expect(items != nil && items?.compactMap(\.intValue).count != items?.count)
        case .missing: #expect(items == nil)
        }
    }

    /// A small deterministic generator, so that a failure can be reproduced.
    private struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func decimalNumbersParseToStrtodsCorrectlyRoundedValue() throws {
        var random = SplitMix(state: 20_261_126)
        var texts = ["0.1", "-0.0", "0.0", "1e22", "1e23", "123456789012345.6", "9007199254740993.0", "2.2250738585072014e-308",
                     "4.9e-324", "1.7976931348623157e308", "0.30000000000000004", "-2.5E-3", "1E+2", "100000000000000000000000.5"]
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...18, using: &random)
            var mantissa = String(UInt64.random(in: 0..<UInt64(1e18), using: &random))
            mantissa = String(mantissa.prefix(digits))
            let point = Int.random(in: 0...mantissa.count, using: &random)
            var text = point == mantissa.count ? mantissa + ".0" : String(mantissa.prefix(point)) + "." + mantissa.dropFirst(point)
            if text.hasPrefix(".") { text = "0" + text }
            if Bool.random(using: &random) { text += "e\(Int.random(in: -30...30, using: &random))" }
            if Bool.random(using: &random) { text = "-" + text }
            texts.append(text)
        }
        for text in texts {
            let expected = strtod(text, nil)
            guard case let .double(parsed) = try JSONValue.parse(text) else {
                Issue.record("\(text) did not parse to a double")
                continue
            }
            #expect(parsed.bitPattern == expected.bitPattern, "\(text): \(parsed) against strtod's \(expected)")
        }
    }

    /// Request bodies are the canonical compact serialization, which is Python's
    /// `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` of the same value;
    /// the indented form is `indent=2` with `": "` after keys and a final newline.
    @Test func requestBodiesAreWrittenAsPythonsJSONWritesThem() throws {
        let values: [JSONValue] = [
            .object(["model": .string("m"), "prompt": .array([.array([.int(0), .int(-7), .int(Int.max), .int(Int.min), .int(10)])]),
                     "temperature": .int(0), "echo": .bool(true), "seed": .int(1234), "top_p": .double(0.95)]),
            .object(["prompt": .string("tab\tquote\" back\\ nl\n cr\r bell\u{07} ff\u{0C} bs\u{08} del\u{7F} é 漢字 🙂 \u{2028}"),
                     "add_special_tokens": .bool(false), "stop": .array([.string("\n\n"), .string("Question:")])]),
            .object(["b": .null, "a": .object([:]), "é": .array([]), "Z": .double(1e-7), "y": .double(-0.0), "x": .double(1.5e16)]),
            .array([.double(.nan), .double(.infinity), .double(-.infinity), .string(""), .object(["k": .array([.null, .bool(false)])])]),
        ]
        let input = JSONValue.array(values).serializedData(indent: nil)
        let python = try TestPython.output(["-c", """
            import json, sys
            for value in json.loads(sys.stdin.buffer.read()):
                sys.stdout.buffer.write(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\\0")
                sys.stdout.buffer.write(json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False).encode() + b"\\n\\0")
            """], input: input)
        let expected = python.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { Data($0) }
        #expect(expected.count == values.count * 2)
        for (index, value) in values.enumerated() where 2 * index + 1 < expected.count {
            #expect(value.serializedData(indent: nil) == expected[2 * index], "\(value.serialized(indent: nil))")
            #expect(value.serializedData(indent: 2) == expected[2 * index + 1], "\(value.serialized(indent: 2))")
        }
    }
}
