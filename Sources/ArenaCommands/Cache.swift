import ArenaRuntime
import ArgumentParser
import Foundation

extension ArenaScriptCommand {
    struct Cache: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cache",
            abstract: "Inspect or clear the request cache of server responses.",
            subcommands: [Info.self, Clear.self],
            defaultSubcommand: Info.self
        )

        struct Location: ParsableArguments {
            @Option(name: .customLong("cache-dir"), help: "Cache root (default: $ARENA_CACHE_DIR/requests, else ~/.cache/arena-script/requests).")
            var directory: String?

            var root: URL { directory.map { URL(fileURLWithPath: $0) } ?? RequestCache.defaultRoot() }
        }

        struct Info: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "info", abstract: "List cached models and engines with their response counts.")
            @OptionGroup var location: Location

            func run() async throws {
                try await ExitStatus.running {
                    let scopes = try RequestCache.scopes(root: location.root)
                    print("\(location.root.path): \(scopes.count) model/engine scope(s)")
                    for entry in scopes {
                        print("  \(entry.scope.model)  \(entry.scope.engine)  \(entry.records) responses  \(entry.bytes) bytes")
                        if !entry.scope.names.isEmpty { print("    names: \(entry.scope.names.joined(separator: ", "))") }
                    }
                }
            }
        }

        struct Clear: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "clear", abstract: "Delete cached responses (all, or one model's).")
            @OptionGroup var location: Location
            @Option(help: "Only this model: its binding name in an experiment, its id as written (org/name, ../models/x), its path, or the name a server serves it under.")
            var model: String?

            func run() async throws {
                try await ExitStatus.running {
                    let removed = try RequestCache.clear(root: location.root, model: model)
                    print("removed \(removed) model/engine scope(s) from \(location.root.path)")
                }
            }
        }
    }
}
