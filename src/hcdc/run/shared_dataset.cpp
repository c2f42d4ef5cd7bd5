#include "hcdc/run/shared_dataset.hpp"

namespace hcdc::run {

std::string prepare_dataset_on_rank0(dist::Communicator& comm, const JobSpec& job) {
  std::string dataset = job.dataset.existing_path().empty() ? job.output_dir + "/dataset.h5" : job.dataset.existing_path();
  if (comm.rank() == 0) dataset = prepare_dataset(job);
  comm.barrier();
  return dataset;
}

}  // namespace hcdc::run
