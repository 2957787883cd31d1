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
        // The arrays of one logprobs object have one entry per token: the first one's length sizes the rest.
        var length = 0
        try parser.forEachMember { parser, key in
            let isArray = parser.peekByte() == UInt8(ascii: "[")
            switch key {
            case "token_logprobs":
                guard isArray else {
                    tokens = nil
                    return try parser.skipValue()
                }
                var values: [Double?] = []
                values.reserveCapacity(length)
                try parser.forEachElement { parser in values.append(try parser.parseValue().doubleValue) }
                tokens = values
                length = values.count
            case "top_logprobs":
                guard isArray else {
                    top = []
                    return try parser.skipValue()
                }
                var values: [Double?] = []
                values.reserveCapacity(length)
                try parser.forEachElement { parser in values.append(try bestAlternative(&parser)) }
                top = values
                length = values.count
            default:
                guard isArray else { return try parser.skipValue() }
                var count = 0
                try parser.forEachElement { parser in
                    try parser.skipValue()
                    count += 1
                }
                length = count
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
        // Usually one alternative (logprobs 1): its value, without building its key.
        if let only = try parser.onlyMemberValue() { return only.doubleValue }
        var values: [String: Double?] = [:]
        try parser.forEachMember { parser, key in values[key] = try parser.parseValue().doubleValue }
        return values.values.compactMap { $0 }.max()
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
