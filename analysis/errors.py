"""One error type for bad input: the command prints it as one line naming the file and field and
exits with status 2 (the same contract as the hcdc executable)."""


class AnalysisInputError(Exception):
    def __init__(self, path, field, what):
        super().__init__(f"{path}: {field}: {what}")
        self.path, self.field, self.what = path, field, what
