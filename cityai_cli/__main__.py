from cityai_cli.cli import main

main()
