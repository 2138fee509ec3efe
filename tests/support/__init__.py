"""What the tests and the benchmark share: generated plans and project folders to hold them."""
