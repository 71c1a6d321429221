"""The shipped classifier (default/) and the data it is trained on (training/)."""
