"""The Lab's domain services: the decision rules judged against the ground truth, and recording a decision."""
