"""Employers (用人单位): registration by credit code, verification (审核), key enterprises and their
specialists, demand surveys (用工需求调查), and the employers' own accounts on the public portal."""
