#pragma once
#include <string>

#include "hcdc/dist/communicator.hpp"
#include "hcdc/run/job.hpp"

namespace hcdc::run {

// Fold selection (the paper's Table 6; `hcdc run` of a job with [folds]): the training data is
// split at random into M folds; "candidate" i trains the [search] space's architecture
// `folds.architecture` on every fold but i and validates on fold i. Ground truth: fold i's
// validation score on the original data (mean over the truth seeds, and a noise ceiling from
// disjoint seeds). Each method then ranks the folds from condensed data at every budget and seed,
// with the same c_train and c_val per fold:
//  * random, dc, dm, … (any registered method that does not learn S_val): fold i's training part
//    and fold i condensed independently (S_train^i, S_val^i), the architecture trained on S_train^i
//    and scored on S_val^i;
//  * early-stop (folds.early_stopping): trained on the original training part for as many steps of
//    c_train samples as the proxies take (evaluate.proxy_epochs), scored on the whole fold i;
//  * hcdc: one S_train from condense.hcdc_train_method over the whole training data, and one
//    S_val^i per fold learned by condense/fold_validation.hpp ([hcdc] trajectories,
//    trajectory_steps, lambda_every, theta_lr, sval_lr), starting from c_val images of fold i.
// With folds.whole_fold_reference every method but early-stop also gets a row
// "<method>+whole-fold": its S_train^i scored on the whole original fold i (a reference, not a
// competitor: its c_val is the fold's size).
// Writes <output_dir>/truth.h5 (cached), results.h5 (schema hcdc.results: candidates are the
// folds; finished runs are kept when the job is run again) and summary.md. One rank.
int run_fold_selection(const JobSpec& job, const std::string& dataset, dist::Communicator& comm);

}  // namespace hcdc::run
