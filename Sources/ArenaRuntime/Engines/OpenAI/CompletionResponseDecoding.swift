import Foundation

/// One choice of an echoed completions response, reduced to what loglikelihood scoring reads.
/// The reading rules are those of the `JSONValue` accessors on the fully parsed response.
struct EchoedChoice: Equatable {
    /// `index` as `JSONValue.intValue`.
    var index: Int?
    /// `logprobs.token_logprobs`, each entry as `doubleValue`; nil when missing or not an array.
    var tokenLogprobs: [Double?]?
    /// Per position of `logprobs.top_logprobs`: the largest numeric value of its object, nil when
    /// the entry is not an object or holds no number. Empty when `top_logprobs` is not an array.
    var topBest: [Double?] = []
}

/// Streaming decoders for the two responses a loglikelihood run receives by the thousand: they
/// check the whole document's syntax as `JSONValue.parse` does but build only the fields read.
enum CompletionResponseDecoding {
    /// The `choices` of an echoed completions response; nil when `choices` is missing or not an array.
    static func echoedChoices(_ data: Data) throws -> [EchoedChoice]? {
        do {
            var parser = JSONParser(bytes: [UInt8](data))
            var choices: [EchoedChoice]?
            if parser.peekByte() == UInt8(ascii: "{") {
                try parser.forEachMember { parser, key in
                    guard key == "choices" else { return try parser.skipValue() }
                    guard parser.peekByte() == UInt8(ascii: "[") else {
                        choices = nil
                        return try parser.skipValue()
                    }
                    var list: [EchoedChoice] = []
                    try parser.forEachElement { parser in list.append(try choice(&parser)) }
                    choices = list
                }
            } else {
                try parser.skipValue()
            }
            try parser.finishDocument()
            return choices
        }
    }

    private static func choice(_ parser: inout JSONParser) throws -> EchoedChoice {
        var result = EchoedChoice()
        guard parser.peekByte() == UInt8(ascii: "{") else {
            try parser.skipValue()
            return result
        }
        try parser.forEachMember { parser, key in
            switch key {
            case "index": result.index = try parser.parseValue().intValue
            case "logprobs":
                let (tokens, top) = try logprobs(&parser)
                result.tokenLogprobs = tokens
                result.topBest = top
            default: try parser.skipValue()
            }
        }
        return result
    }

    private static func logprobs(_ parser: inout JSONParser) throws -> ([Double?]?, [Double?]) {
        var tokens: [Double?]?
        var top: [Double?] = []
        guard parser.peekByte() == UInt8(ascii: "{") else {
            try parser.skipValue()
            return (nil, [])
        }
        try parser.forEachMember { parser, key in
            switch key {
            case "token_logprobs":
                guard parser.peekByte() == UInt8(ascii: "[") else {
                    tokens = nil
                    return try parser.skipValue()
                }
                var values: [Double?] = []
                try parser.forEachElement { parser in values.append(try parser.parseValue().doubleValue) }
                tokens = values
            case "top_logprobs":
                guard parser.peekByte() == UInt8(ascii: "[") else {
                    top = []
                    return try parser.skipValue()
                }
                var values: [Double?] = []
                try parser.forEachElement { parser in values.append(try bestAlternative(&parser)) }
                top = values
            default: try parser.skipValue()
            }
        }
        return (tokens, top)
    }

    /// The largest number among an object's values (a later duplicate key replaces the earlier
    /// value, as in a parsed object); nil for anything but an object with a number in it.
    private static func bestAlternative(_ parser: inout JSONParser) throws -> Double? {
        guard parser.peekByte() == UInt8(ascii: "{") else {
            try parser.skipValue()
            return nil
        }
        var firstKey: String?
        var firstValue: Double?
        var more: [String: Double?]?
        try parser.forEachMember { parser, key in
            let value = try parser.parseValue().doubleValue
            if more != nil {
                more?[key] = value
            } else if let existing = firstKey {
                more = [existing: firstValue]
                more?[key] = value
            } else {
                firstKey = key
                firstValue = value
            }
        }
        if let more { return more.values.compactMap { $0 }.max() }
        return firstValue
    }

    /// What a `/tokenize` answer holds.
    enum TokenizeAnswer: Equatable {
        case tokens([Int])
        /// No `tokens` array.
        case missing
        /// `tokens` has entries that are not integers.
        case nonInteger
    }

    /// The `tokens` of a `/tokenize` answer, read as `intValue`.
    static func tokenize(_ data: Data) throws -> TokenizeAnswer {
        do {
            var parser = JSONParser(bytes: [UInt8](data))
            var answer = TokenizeAnswer.missing
            if parser.peekByte() == UInt8(ascii: "{") {
                try parser.forEachMember { parser, key in
                    guard key == "tokens" else { return try parser.skipValue() }
                    guard parser.peekByte() == UInt8(ascii: "[") else {
                        answer = .missing
                        return try parser.skipValue()
                    }
                    var ids: [Int] = []
                    var integral = true
                    try parser.forEachElement { parser in
                        if let id = try parser.parseValue().intValue { ids.append(id) } else { integral = false }
                    }
                    answer = integral ? .tokens(ids) : .nonInteger
                }
            } else {
                try parser.skipValue()
            }
            try parser.finishDocument()
            return answer
        }
    }
}
