# The two commands of the README, and a few more for developers.
#   make run    install, build, and run Onyx's main job on this repository
#   make test   install, build (clang, ASan+UBSan, -Werror), and run every test
#   make bench  build release and run the benchmarks (docs/benchmarks.md)
#   make format clang-format every C++ file

SHELL := /bin/bash
DATA ?= build/demo-data
JOBS ?= $(shell nproc)

.PHONY: run test bench bootstrap release asan format clean

bootstrap:
	@scripts/bootstrap

release: bootstrap
	cmake --preset release -DONYX_BUILD_TESTS=OFF -DONYX_BUILD_BENCH=ON >/dev/null
	cmake --build build/release -j $(JOBS)

asan: bootstrap
	cmake --preset asan -DONYX_WERROR=ON >/dev/null
	cmake --build build/asan -j $(JOBS)

run: release
	@scripts/demo "$(DATA)"

test: asan
	ctest --preset asan -j $(JOBS)

bench: release
	@scripts/bench

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
