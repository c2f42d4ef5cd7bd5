# Records the git commit of the source tree; regenerated on every build so outputs never carry a
# stale commit (the header only changes, and only triggers recompilation, when the commit does).
set(HCDC_GIT_HEADER ${CMAKE_BINARY_DIR}/generated/hcdc/core/git_commit.hpp)
add_custom_target(hcdc_git_commit
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${HCDC_GIT_HEADER}
          -P ${CMAKE_SOURCE_DIR}/cmake/WriteGitCommit.cmake
  BYPRODUCTS ${HCDC_GIT_HEADER}
  COMMENT "Recording git commit")
