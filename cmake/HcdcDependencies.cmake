# Finds every dependency with find_package; a missing one stops configuration with the Debian
# package that provides it (scripts/setup.sh installs them all).
macro(hcdc_require name debian_pkg)
  find_package(${name} ${ARGN})
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "hcdc: dependency '${name}' not found. Install the Debian package "
                        "'${debian_pkg}' (bash scripts/setup.sh installs every dependency), "
                        "or point CMAKE_PREFIX_PATH at your own build.")
  endif()
endmacro()

hcdc_require(Torch libtorch-dev)
hcdc_require(HDF5 libhdf5-dev COMPONENTS C)
hcdc_require(ZLIB zlib1g-dev)
hcdc_require(fmt libfmt-dev)
hcdc_require(spdlog libspdlog-dev)
hcdc_require(CLI11 libcli11-dev)
hcdc_require(tomlplusplus libtomlplusplus-dev)
hcdc_require(nlohmann_json nlohmann-json3-dev)
# .npz archives (zip). Through pkg-config: Debian 12's libzip CMake config also imports the
# zipcmp/zipmerge/ziptool programs, which libzip-dev does not install, and then fails.
hcdc_require(PkgConfig pkg-config)
pkg_check_modules(LIBZIP IMPORTED_TARGET libzip)
if(NOT LIBZIP_FOUND)
  message(FATAL_ERROR "hcdc: dependency 'libzip' not found. Install the Debian package 'libzip-dev' "
                      "(bash scripts/setup.sh installs every dependency).")
endif()
hcdc_require(xtensor libxtensor-dev) # .npy arrays inside them (xtensor's reader)
hcdc_require(Eigen3 libeigen3-dev 3.3 NO_MODULE) # sparse-times-dense products (models/sparse_matrix.cpp)
# The analysis tools need Debian's python3 (python3-h5py etc.), not a pyenv/conda interpreter
# that happens to come first on PATH.
if(NOT Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python3_EXECUTABLE /usr/bin/python3)
endif()
hcdc_require(Python3 python3 COMPONENTS Interpreter)

if(HCDC_WITH_MPI)
  hcdc_require(MPI "libopenmpi-dev openmpi-bin" COMPONENTS C)
endif()
if(HCDC_BUILD_TESTS)
  hcdc_require(GTest "libgtest-dev libgmock-dev")
endif()
if(HCDC_BUILD_BENCHMARKS)
  hcdc_require(benchmark libbenchmark-dev)
endif()

# NCCL is optional: AUTO turns it on only when both the CUDA toolkit and NCCL are present.
set(HCDC_HAVE_NCCL OFF)
if(NOT HCDC_WITH_NCCL STREQUAL "OFF")
  find_package(CUDAToolkit QUIET)
  # NCCL sits beside the toolkit in NVIDIA's and pip's layouts (e.g. /usr/local/cuda/lib),
  # elsewhere under $NCCL_HOME.
  find_path(NCCL_INCLUDE_DIR nccl.h HINTS ENV NCCL_HOME ${CUDAToolkit_INCLUDE_DIRS} PATH_SUFFIXES include)
  find_library(NCCL_LIBRARY nccl HINTS ENV NCCL_HOME ${CUDAToolkit_LIBRARY_DIR} PATH_SUFFIXES lib lib64)
  if(CUDAToolkit_FOUND AND NCCL_INCLUDE_DIR AND NCCL_LIBRARY AND HCDC_WITH_MPI)
    set(HCDC_HAVE_NCCL ON)
  elseif(HCDC_WITH_NCCL STREQUAL "ON")
    message(FATAL_ERROR "hcdc: HCDC_WITH_NCCL=ON but CUDA toolkit / NCCL (libnccl-dev) / MPI not found")
  endif()
endif()
message(STATUS "hcdc: MPI=${HCDC_WITH_MPI} NCCL=${HCDC_HAVE_NCCL} Torch=${Torch_VERSION} HDF5=${HDF5_VERSION}")
