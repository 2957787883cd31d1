// swift-tools-version: 6.0
import PackageDescription

// Dependencies are chosen for build time on small CI machines; docs/dependencies.md says why each is here.
let package = Package(
    name: "arena-script",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "arena-script", targets: ["arena-script"]),
        .executable(name: "arena-bench", targets: ["arena-bench"]),
        .library(name: "ArenaScript", targets: ["ArenaScript"]),
        .library(name: "ArenaRuntime", targets: ["ArenaRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // C libraries from Debian's -dev packages, imported through module maps.
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCompression", providers: [.apt(["libzstd-dev", "libsnappy-dev", "zlib1g-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),

        // The language: knows nothing of HTTP, files or C libraries.
        .target(name: "ArenaScript", swiftSettings: strict),

        // Everything that executes a plan.
        .target(
            name: "ArenaRuntime",
            dependencies: [
                "ArenaScript", "CGit2", "CCurl", "CPNG", "CCrypto", "CCompression", "COpenBLAS", "CFreeType",
                .product(name: "FlyingFox", package: "FlyingFox"),
            ],
            swiftSettings: strict
        ),

        // One small ParsableCommand per verb.
        .target(
            name: "ArenaCommands",
            dependencies: [
                "ArenaScript", "ArenaRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "arena-script", dependencies: ["ArenaCommands"], swiftSettings: strict),
        .executableTarget(
            name: "arena-bench",
            dependencies: ["ArenaScript", "ArenaRuntime", .product(name: "FlyingFox", package: "FlyingFox")],
            swiftSettings: strict
        ),

        .testTarget(
            name: "ArenaScriptTests",
            dependencies: ["ArenaScript", "ArenaRuntime", "ArenaCommands"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ArenaRuntimeTests",
            dependencies: ["ArenaScript", "ArenaRuntime", "ArenaCommands", .product(name: "FlyingFox", package: "FlyingFox")],
            swiftSettings: strict
        ),
    ]
)

var strict: [SwiftSetting] { [.swiftLanguageMode(.v6)] }
