# The notebooks' .py files are Jupytext sources, run by nbval through their .ipynb pair;
# pytest must not import them as modules (that would run every notebook twice).
collect_ignore_glob = ["notebooks/*.py", "benchmarks/*.py", "build/*"]
