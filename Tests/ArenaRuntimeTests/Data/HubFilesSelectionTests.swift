import Foundation
import Testing
@testable import ArenaRuntime

/// File choice on the layouts of the Hub datasets the tasks read (paths as those repositories and
/// their refs/convert/parquet branches list them).
@Suite struct HubFilesSelectionTests {
    static let arc = ["ARC-Challenge/test-00000-of-00001.parquet", "ARC-Challenge/train-00000-of-00001.parquet",
                      "ARC-Challenge/validation-00000-of-00001.parquet", "ARC-Easy/test-00000-of-00001.parquet",
                      "ARC-Easy/train-00000-of-00001.parquet", "ARC-Easy/validation-00000-of-00001.parquet", "README.md"]
    static let mmlu = ["abstract_algebra/dev-00000-of-00001.parquet", "abstract_algebra/test-00000-of-00001.parquet",
                       "abstract_algebra/validation-00000-of-00001.parquet", "all/test-00000-of-00001.parquet",
                       "auxiliary_train/train-00000-of-00001.parquet", "college_mathematics/test-00000-of-00001.parquet"]
    static let gsm8k = ["main/test-00000-of-00001.parquet", "main/train-00000-of-00001.parquet",
                        "socratic/test-00000-of-00001.parquet", "socratic/train-00000-of-00001.parquet", ".gitattributes"]

    @Test func configFolderAndSplitWord() {
        #expect(HubFilesSelection.select(Self.arc, config: "ARC-Easy", split: "test") == ["ARC-Easy/test-00000-of-00001.parquet"])
        #expect(HubFilesSelection.select(Self.arc, config: "ARC-Challenge", split: "validation") == ["ARC-Challenge/validation-00000-of-00001.parquet"])
        #expect(HubFilesSelection.select(Self.gsm8k, config: "main", split: "test") == ["main/test-00000-of-00001.parquet"])
        #expect(HubFilesSelection.select(Self.mmlu, config: "abstract_algebra", split: "test") == ["abstract_algebra/test-00000-of-00001.parquet"])
        // `dev` is a synonym of validation in `datasets`; the folder's own validation file is found too.
        #expect(HubFilesSelection.select(Self.mmlu, config: "abstract_algebra", split: "validation")
            == ["abstract_algebra/dev-00000-of-00001.parquet", "abstract_algebra/validation-00000-of-00001.parquet"])
        #expect(HubFilesSelection.select(Self.mmlu, config: "college_mathematics", split: "validation").isEmpty)
    }

    @Test func defaultConfigUsesTheWholeRepositoryOrTheDefaultFolder() {
        let data = ["data/test-00001-of-00002.parquet", "data/test-00000-of-00002.parquet", "data/train-00000-of-00001.parquet"]
        #expect(HubFilesSelection.select(data, config: nil, split: "test") == ["data/test-00000-of-00002.parquet", "data/test-00001-of-00002.parquet"])
        let converted = ["default/validation/0000.parquet", "default/train/0000.parquet", "default/train/0001.parquet"]
        #expect(HubFilesSelection.select(converted, config: "default", split: "train") == ["default/train/0000.parquet", "default/train/0001.parquet"])
        #expect(HubFilesSelection.select(converted, config: nil, split: "validation") == ["default/validation/0000.parquet"])
    }

    @Test func partialConversionsAndOtherFormatsAreLeftOut() {
        let paths = ["multiple_choice/partial-validation/0000.parquet", "multiple_choice/validation/0000.parquet",
                     "generation/validation/0000.parquet", "multiple_choice/validation.jsonl"]
        #expect(HubFilesSelection.select(paths, config: "multiple_choice", split: "validation") == ["multiple_choice/validation/0000.parquet"])
        #expect(HubFilesSelection.select(paths, config: "multiple_choice", split: "validation", extensions: ["jsonl"]) == ["multiple_choice/validation.jsonl"])
    }

    @Test func splitIsAWholeWordNotASubstring() {
        let paths = ["data/contest-00000.parquet", "data/latest.parquet", "data/test.parquet"]
        #expect(HubFilesSelection.select(paths, config: nil, split: "test") == ["data/test.parquet"])
    }

    @Test func linkHeaderNextTarget() {
        #expect(HubFilesAPI.nextLink("<https://hub/api/datasets/x/tree/main?cursor=abc>; rel=\"next\"") == "https://hub/api/datasets/x/tree/main?cursor=abc")
        #expect(HubFilesAPI.nextLink("<https://hub/a>; rel=\"prev\"") == nil)
        #expect(HubFilesAPI.nextLink(nil) == nil)
        #expect(HubFilesAPI.encodeRevision("refs/convert/parquet") == "refs%2Fconvert%2Fparquet")
    }

    @Test func environmentChoosesEndpointTokenCacheAndOffline() {
        let config = HubFilesConfiguration.fromEnvironment(["HF_ENDPOINT": "http://127.0.0.1:9/", "HF_TOKEN": "hf_abc",
                                                            "XDG_CACHE_HOME": "/tmp/xdg", "ARENA_OFFLINE": "1", "HOME": "/nonexistent"])
        #expect(config.auth.endpoint == "http://127.0.0.1:9")
        #expect(config.auth.headers["Authorization"] == "Bearer hf_abc")
        #expect(config.cacheDirectory.path == "/tmp/xdg/arena-script")
        #expect(config.offline)
        let override = HubFilesConfiguration.fromEnvironment(["ARENA_CACHE_DIR": "/tmp/arena-cache", "HOME": "/nonexistent"])
        #expect(override.cacheDirectory.path == "/tmp/arena-cache")
        #expect(!override.offline)
        #expect(override.auth.endpoint == "https://huggingface.co")
        #expect(override.auth.headers["Authorization"] == nil)
        let home = HubFilesConfiguration.fromEnvironment(["HOME": "/nonexistent"])
        #expect(home.cacheDirectory.path == "/nonexistent/.cache/arena-script")
    }
}
