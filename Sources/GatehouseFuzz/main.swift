// Built as usual, this binary only says how to build it as a fuzzer. scripts/fuzz builds it with
// `-sanitize=fuzzer,address -parse-as-library -DFUZZING`: then this file declares nothing and
// libFuzzer's own `main` drives `LLVMFuzzerTestOneInput` (FuzzTargets.swift).
#if !FUZZING
import Foundation
FileHandle.standardError.write(Data("gatehouse-fuzz: build it with scripts/fuzz (libFuzzer and AddressSanitizer), then run scripts/fuzz TARGET SECONDS\n".utf8))
exit(2)
#endif
