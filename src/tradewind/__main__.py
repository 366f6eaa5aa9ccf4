import sys

from tradewind.cli import main

sys.exit(main())
