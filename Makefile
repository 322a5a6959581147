# Convenience targets; every one is a script under scripts/.
.PHONY: check check-quick check-sanitizers bench bench-quick bench-instructions fuzz demo deps fetch assemble build export check-exported post post-dry-run pristine-apply check-each-patch fetch-guest initramfs kernel demo-passthrough

check:            ; bash scripts/run-tests.sh
check-quick:      ; bash scripts/run-tests.sh --quick
demo:             ; bash scripts/demo.sh
deps:             ; bash scripts/deps.sh
fetch:            ; bash scripts/fetch-base.sh
fetch-guest:      ; bash scripts/fetch-guest.sh
initramfs:        ; bash scripts/fetch-guest.sh && bash scripts/build-initramfs.sh
kernel:           ; bash scripts/fetch-kernel-source.sh >/dev/null && bash scripts/build-guest-kernel.sh
demo-passthrough: ; bash scripts/demo-passthrough.sh
assemble:         ; bash scripts/assemble.sh
build:            ; bash scripts/build.sh
export:           ; bash scripts/export.sh
check-exported:   ; bash scripts/check-exported.sh
pristine-apply:   ; bash scripts/pristine-apply.sh
check-each-patch: ; bash scripts/check-each-patch.sh
check-sanitizers: ; bash scripts/check-sanitizers.sh
bench:            ; bash scripts/bench.sh
bench-quick:      ; bash scripts/bench.sh --quick
bench-instructions: ; bash scripts/bench/instructions.sh $(BASELINE)
# make fuzz FUZZ_SECONDS=N [FUZZ_CONFIGS='a b'] [FUZZ_JOBS=N]: N seconds per configuration
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
fuzz:             ; FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) bash scripts/fuzz.sh $(FUZZ_CONFIGS)
post:             ; bash scripts/post.sh
post-dry-run:     ; bash scripts/post-dry-run.sh
