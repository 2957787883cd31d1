/// The `.arena` language: lexer, parser, checker and interpreter. It reads only the source text it
/// is given and calls into the world only through built-ins that its host registers.
public enum ArenaLanguage {
    public static let version = "0.1.0"
}
