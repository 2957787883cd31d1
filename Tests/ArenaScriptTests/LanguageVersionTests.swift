import Testing
import ArenaScript

@Test func languageHasAVersion() {
    #expect(!ArenaLanguage.version.isEmpty)
}
