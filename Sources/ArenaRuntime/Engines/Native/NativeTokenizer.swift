/// What the native engine needs from a tokenizer: Hugging Face `tokenizer.json` semantics.
/// `Tokenizer` (Engines/Native/Tokenizer) conforms.
public protocol NativeTokenizer: Sendable {
    func encode(_ text: String, addSpecialTokens: Bool) throws -> [Int]
    func decode(_ ids: [Int]) throws -> String
    var bosTokenId: Int? { get }
    var eosTokenId: Int? { get }
}

extension Tokenizer: NativeTokenizer {}
