import sys

from healthpulse.cli import main

sys.exit(main())
