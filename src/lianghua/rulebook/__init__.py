"""The rulebook: dated, cited parameters and traced rule evaluation, with no Django (mypy --strict).

- `parameters`: documents read from YAML data files, each parameter with its values keyed by the date
  they take effect, its unit and clause, and `setting` placeholders an administrator fills;
- `facts`: a facts vocabulary (key -> kind) and the validation of facts against it;
- `evaluation`: the context a rule reads parameters and facts through (it records every parameter read,
  with its value and date), rules declared beside their functions, and the combination principles a
  document's data file names.

The subsidy engine (`lianghua.policies`) is built on it; the evaluations (亩均 weights, benchmarks, 碳效
cut-offs) read their dated parameters and write their traces the same way.
"""
