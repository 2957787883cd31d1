/// What the native engine needs from a tokenizer: Hugging Face `tokenizer.json` semantics.
public protocol NativeTokenizer: Sendable {
    func encode(_ text: String, addSpecialTokens: Bool) throws -> [Int]
    func decode(_ ids: [Int]) throws -> String
}
