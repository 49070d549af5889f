# Runs one libFuzzer target for SECONDS on a scratch copy of its seed CORPUS, so
# that the committed corpus is never modified by a test run.
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}/corpus")
file(GLOB seeds "${CORPUS}/*")
if(seeds)
  file(COPY ${seeds} DESTINATION "${WORKDIR}/corpus")
endif()
execute_process(
  COMMAND "${FUZZER}" "${WORKDIR}/corpus" -max_total_time=${SECONDS} -rss_limit_mb=2048
          -max_len=4096 -timeout=10 -print_final_stats=1 -artifact_prefix=${WORKDIR}/
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzzer ${FUZZER} failed (exit ${rc}); crashing input under ${WORKDIR}")
endif()
