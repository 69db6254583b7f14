# Thin targets over Maven. `make run` and `make test` work on a fresh machine with Java 17 and Maven.
MVN ?= mvn -B -q
STORE ?= .holdfast
HOLDFAST := cli/holdfast

.PHONY: build test run bench e2e soak clean

build:
	$(MVN) -DskipTests package

test:
	mvn -B verify

run: build
	@bin/run-demo "$(STORE)"

bench: build
	@bench/run

e2e: build
	@e2e/run

soak: build
	@bench/soak

clean:
	$(MVN) clean
	rm -rf target
