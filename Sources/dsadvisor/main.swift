import DSAdvisorCLI

DSAdvisorCommand.main()
