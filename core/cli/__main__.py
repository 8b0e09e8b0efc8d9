import sys

from healthpulse.core.cli import main

sys.exit(main())
