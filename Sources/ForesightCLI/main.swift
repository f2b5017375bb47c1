print("foresight")
